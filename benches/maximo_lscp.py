"""Set covering on the Máximo et al. cities by HiGHS (scipy): the LP relaxation and the MILP
within a time limit, to compare carecover's cover and bound with.

    cargo run --release --example benchmarks -- maximo-pairs
    python3 benches/maximo_lscp.py target/maximo-pairs NewYork 300

Needs numpy and scipy. The LP takes seconds (NewYork, Bronx) to minutes (San Francisco 71 s,
Kings 4 min); the MILP runs to its limit on all four.
"""

import sys
import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


def main():
    folder, name, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
    with open(f"{folder}/{name}.txt") as f:
        m = int(f.readline())
        for _ in range(m):
            f.readline()
        pairs = np.loadtxt(f, dtype=np.int64, ndmin=2)
    demand, site = pairs[:, 0], pairs[:, 1]
    # Rows: the demands some site covers.
    rows = np.unique(demand)
    row_of = -np.ones(m, dtype=np.int64)
    row_of[rows] = np.arange(len(rows))
    n = int(site.max()) + 1
    a = sp.csr_matrix((np.ones(len(demand)), (row_of[demand], site)), shape=(len(rows), n))
    t = time.time()
    lp = linprog(np.ones(n), A_ub=-a, b_ub=-np.ones(len(rows)), bounds=(0, 1), method="highs")
    print(f"{name} LP {lp.fun:.2f} {time.time() - t:.1f} s", flush=True)
    t = time.time()
    r = milp(
        np.ones(n),
        constraints=LinearConstraint(a, lb=1),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"time_limit": limit},
    )
    print(
        f"{name} MILP {r.fun} bound {r.mip_dual_bound} ({r.message}) {time.time() - t:.1f} s",
        flush=True,
    )


if __name__ == "__main__":
    main()
