"""LP relaxation of the Máximo et al. MCLP cases: the best bound any Lagrangian multipliers of
the coverage rows can give (Galvão & ReVelle 1996), to compare carecover's bound with.

    cargo run --release --example benchmarks -- maximo-pairs
    python3 benches/maximo_lp.py target/maximo-pairs NewYork 50 60 70 80 90 100

Needs numpy and scipy (HiGHS through scipy.optimize.linprog). NewYork takes seconds per case,
Bronx 10-25 s, San Francisco 1-2 min, Kings 8 min for p = 60 (the others longer).
"""

import sys
import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog


def main():
    folder, name, ps = sys.argv[1], sys.argv[2], [int(p) for p in sys.argv[3:]]
    with open(f"{folder}/{name}.txt") as f:
        m = int(f.readline())
        w = np.array([float(f.readline()) for _ in range(m)])
        pairs = np.loadtxt(f, dtype=np.int64, ndmin=2)
    demand, site = pairs[:, 0], pairs[:, 1]
    n = int(site.max()) + 1
    # Variables x (sites) then z (demands); rows z_i - sum_{j covers i} x_j <= 0.
    cover = sp.csr_matrix((-np.ones(len(demand)), (demand, site)), shape=(m, n))
    a_ub = sp.hstack([cover, sp.identity(m, format="csr")]).tocsr()
    a_eq = sp.csr_matrix(np.concatenate([np.ones(n), np.zeros(m)])[None, :])
    c = np.concatenate([np.zeros(n), -w])
    for p in ps:
        t = time.time()
        r = linprog(c, A_ub=a_ub, b_ub=np.zeros(m), A_eq=a_eq, b_eq=[p], bounds=(0, 1), method="highs")
        print(f"{name} p={p} LP {-r.fun:.2f} status {r.status} {time.time() - t:.1f} s", flush=True)


if __name__ == "__main__":
    main()
