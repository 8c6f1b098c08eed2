//! Location set covering (Toregas, Swain, ReVelle & Bergman 1971): the fewest sites such that
//! every demand some site can cover is covered. Demands no site can cover are left out and
//! reported.
//!
//! ```text
//! minimize    Σ_j y_j
//! subject to  Σ_{j ∈ N_i} y_j ≥ 1     for every coverable demand i
//!             y_j = 1 for required sites,  y_j ∈ {0, 1}
//! ```
//!
//! Heuristic: Chvátal's greedy (most newly covered demands per site), then redundant sites
//! removed, improved by the covers the Lagrangian multipliers suggest, then by a local search
//! with row weighting ([`super::cover_search`]). Bound: Lagrangian
//! relaxation of the covering constraints,
//! `L(u) = Σ_i u_i + Σ_j min(0, 1 − Σ_{i ∈ N_j} u_i)`, maximized by subgradient steps and
//! rounded up. Exact: the sites the reduced costs rule in or out fixed, then the MILP on the
//! presolved rest ([`super::milp::lscp`]).

use super::Status;
use super::local_search::SitesOf;
use super::milp::{Reduced, SmallerCover, dominated, is_subset};
use std::collections::HashMap;

/// The answer to a set-covering problem.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LscpSolution {
    /// Open sites (required ones included), ascending.
    pub open: Vec<usize>,
    /// Number of open sites.
    pub objective: f64,
    /// No cover uses fewer sites.
    pub bound: f64,
    pub gap: f64,
    pub status: Status,
    /// Demands no site can cover.
    pub uncoverable: Vec<usize>,
}

/// Greedy cover followed by removal of redundant sites (largest index first).
pub fn greedy(covers: &[Vec<u32>], n_demand: usize, required: &[bool]) -> Vec<usize> {
    let mut count = vec![0u32; n_demand];
    let mut open: Vec<usize> = (0..covers.len()).filter(|&j| required[j]).collect();
    for &j in &open {
        for &i in &covers[j] {
            count[i as usize] += 1;
        }
    }
    let coverable: Vec<bool> = {
        let mut c = vec![false; n_demand];
        covers.iter().flatten().for_each(|&i| c[i as usize] = true);
        c
    };
    let mut missing = (0..n_demand)
        .filter(|&i| coverable[i] && count[i] == 0)
        .count();
    while missing > 0 {
        let (j, gain) = (0..covers.len())
            .filter(|&j| !open.contains(&j))
            .map(|j| {
                (
                    j,
                    covers[j]
                        .iter()
                        .filter(|&&i| count[i as usize] == 0)
                        .count(),
                )
            })
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .expect("a coverable demand has a covering site");
        debug_assert!(gain > 0);
        open.push(j);
        for &i in &covers[j] {
            if count[i as usize] == 0 {
                missing -= 1;
            }
            count[i as usize] += 1;
        }
    }
    // Drop sites all of whose demands are covered twice, latest choices first.
    for k in (0..open.len()).rev() {
        let j = open[k];
        if !required[j] && covers[j].iter().all(|&i| count[i as usize] >= 2) {
            for &i in &covers[j] {
                count[i as usize] -= 1;
            }
            open.remove(k);
        }
    }
    open.sort_unstable();
    open
}

/// What the subgradient run leaves: a lower bound on the sites any cover of the core needs, and
/// each site's reduced cost `1 − Σ_{i ∈ N_j} u_i` at the multipliers that gave it.
struct Relaxation {
    /// `L(u)`, unrounded.
    value: f64,
    /// Per site.
    reduced: Vec<f64>,
}

/// Lagrangian relaxation of the covering rows (Beasley 1990, "A Lagrangian heuristic for
/// set-covering problems") of a core (no required sites):
/// `L(u) = Σ_i u_i + Σ_j min(0, 1 − Σ_{i ∈ N_j} u_i)`, `0 ≤ u_i ≤ 1` (a larger `u_i` only makes
/// every site covering `i` cheaper by as much), maximized by the volume algorithm (Barahona &
/// Anbil 2000, as [`super::lagrangian`] does for maximal covering: steps along an average of the
/// inner solutions' violations, aimed at the incumbent; plain subgradient steps stopped 2–5 sites
/// below the LP bound on Máximo's cities). At every step the multipliers also build a cover
/// (sites of negative reduced cost, then for each row left the site of least reduced cost, then
/// redundant sites dropped, dearest first); a cover smaller than `open` replaces it.
fn relax(
    covers: &[Vec<u32>],
    sites_of: &SitesOf,
    n_demand: usize,
    open: &mut Vec<usize>,
    iterations: usize,
) -> Relaxation {
    let rows: Vec<usize> = (0..n_demand)
        .filter(|&i| !sites_of.of(i).is_empty())
        .collect();
    let mut reduced = vec![0.0; covers.len()];
    if rows.is_empty() {
        return Relaxation {
            value: 0.0,
            reduced,
        };
    }
    // L(u), the reduced costs and the rows' violation `1 − Σ_{j ∋ i} x_j` (x_j = 1 where the
    // reduced cost is negative).
    let evaluate = |u: &[f64], reduced: &mut [f64], g: &mut [f64]| {
        for (r, c) in reduced.iter_mut().zip(covers) {
            *r = 1.0 - c.iter().map(|&i| u[i as usize]).sum::<f64>();
        }
        let mut l: f64 = rows.iter().map(|&i| u[i]).sum();
        for &i in &rows {
            g[i] = 1.0;
        }
        for (c, &r) in covers.iter().zip(reduced.iter()) {
            if r < 0.0 {
                l += r;
                c.iter().for_each(|&i| g[i as usize] -= 1.0);
            }
        }
        l
    };
    // Start where every reduced cost is still ≥ 0 (Beasley 1990): u_i = min over the sites
    // covering i of 1 / (rows the site covers).
    let mut centre: Vec<f64> = (0..n_demand)
        .map(|i| {
            sites_of
                .of(i)
                .iter()
                .map(|&j| 1.0 / covers[j as usize].len() as f64)
                .fold(f64::INFINITY, f64::min)
                .min(1.0)
        })
        .collect();
    let mut avg = vec![0.0; n_demand];
    // The centre moves only to better multipliers: it is the best found.
    let mut centre_l = evaluate(&centre, &mut reduced, &mut avg);
    let mut u = centre.clone();
    let mut g = vec![0.0; n_demand];
    let mut volume = super::lagrangian::Volume::new();
    for _ in 0..iterations {
        let cover = cover_from(covers, n_demand, &rows, sites_of, &reduced);
        if cover.len() < open.len() {
            *open = cover;
        }
        let upper = open.len() as f64;
        if (centre_l - 1e-6).ceil() >= upper || volume.f < 1e-5 {
            break;
        }
        let norm2: f64 = rows.iter().map(|&i| avg[i] * avg[i]).sum();
        if norm2 <= 1e-18 {
            break; // the averaged primal meets every row: u is optimal
        }
        let step = volume.f * (upper - centre_l).max(0.05) / norm2;
        for &i in &rows {
            u[i] = (centre[i] + step * avg[i]).clamp(0.0, 1.0);
        }
        let l = evaluate(&u, &mut reduced, &mut g);
        let improved = l > centre_l;
        if improved {
            centre.copy_from_slice(&u);
            centre_l = l;
        }
        volume.record(improved, &rows, &g, &mut avg);
    }
    evaluate(&centre, &mut reduced, &mut g);
    Relaxation {
        value: centre_l.max(0.0),
        reduced,
    }
}

/// A cover of `rows` from reduced costs (the Lagrangian heuristic of [`relax`]): sites,
/// ascending.
fn cover_from(
    covers: &[Vec<u32>],
    n_demand: usize,
    rows: &[usize],
    sites_of: &SitesOf,
    reduced: &[f64],
) -> Vec<usize> {
    let mut count = vec![0u32; n_demand];
    let mut open: Vec<usize> = (0..covers.len()).filter(|&j| reduced[j] < 0.0).collect();
    for &j in &open {
        covers[j].iter().for_each(|&i| count[i as usize] += 1);
    }
    for &i in rows {
        if count[i] == 0 {
            let j = sites_of
                .of(i)
                .iter()
                .map(|&j| j as usize)
                .min_by(|&a, &b| reduced[a].total_cmp(&reduced[b]).then(a.cmp(&b)))
                .expect("a row to cover has a site");
            covers[j].iter().for_each(|&i| count[i as usize] += 1);
            open.push(j);
        }
    }
    // Drop sites every row of which another open site also covers, dearest first.
    open.sort_by(|&a, &b| reduced[b].total_cmp(&reduced[a]).then(a.cmp(&b)));
    open.retain(|&j| {
        let redundant = covers[j].iter().all(|&i| count[i as usize] >= 2);
        if redundant {
            covers[j].iter().for_each(|&i| count[i as usize] -= 1);
        }
        !redundant
    });
    open.sort_unstable();
    open
}

/// A set-covering instance after the reductions ([`reduce`]): every optimal cover of the core,
/// plus `forced`, is optimal for the whole.
struct Core {
    /// Sites every such cover takes (required ones included), original indices.
    forced: Vec<usize>,
    /// The core's sites (original indices) and, for each, the core rows it covers.
    sites: Vec<usize>,
    covers: Vec<Vec<u32>>,
    rows: usize,
}

impl Core {
    fn of(covers: &[Vec<u32>], n_demand: usize, required: &[bool]) -> Core {
        let unit = vec![1.0; covers.len()];
        let mut red = super::milp::presolve(&vec![1.0; n_demand], covers, required, &unit, true);
        let mut forced: Vec<usize> = (0..covers.len()).filter(|&j| required[j]).collect();
        reduce(&mut red, &mut forced);
        let mut core_covers = vec![Vec::new(); red.sites.len()];
        for (r, (_, sites)) in red.groups.iter().enumerate() {
            sites.iter().for_each(|&k| core_covers[k].push(r as u32));
        }
        Core {
            forced,
            sites: red.sites,
            covers: core_covers,
            rows: red.groups.len(),
        }
    }

    /// `forced` and the core sites at positions `open`, ascending.
    fn cover(&self, open: &[usize]) -> Vec<usize> {
        let mut all = self.forced.clone();
        all.extend(open.iter().map(|&k| self.sites[k]));
        all.sort_unstable();
        all
    }
}

/// Swaps without a smaller cover after which the row-weighting search stops: on Máximo's city
/// instances 10,000 leave 1–4 sites more than 100,000, which find what 1,000,000 find but for
/// one site on Bronx and two on Kings.
const SEARCH_STALL: usize = 50_000;

/// Seed of the row-weighting search (fixed: one answer per problem).
const SEARCH_SEED: u64 = 0x5EED;

/// Solves the set-covering problem on its core (what the reductions leave): greedy improved by
/// the Lagrangian heuristic, the Lagrangian bound, and with `exact_time_limit_s` reduced-cost
/// fixing and the MILP for a smaller cover.
pub fn solve(
    covers: &[Vec<u32>],
    n_demand: usize,
    required: &[bool],
    exact_time_limit_s: Option<f64>,
    bound_iterations: usize,
) -> LscpSolution {
    let mut coverable = vec![false; n_demand];
    covers
        .iter()
        .flatten()
        .for_each(|&i| coverable[i as usize] = true);
    let uncoverable: Vec<usize> = (0..n_demand).filter(|&i| !coverable[i]).collect();
    let core = Core::of(covers, n_demand, required);
    let mut open = greedy(&core.covers, core.rows, &vec![false; core.sites.len()]);
    // Each core row's sites, for the relaxation's covers and the search.
    let sites_of = SitesOf::from_covers(&core.covers, core.rows);
    let relaxation = relax(
        &core.covers,
        &sites_of,
        core.rows,
        &mut open,
        bound_iterations,
    );
    let mut bound = (relaxation.value - 1e-6).ceil().max(0.0);
    if open.len() as f64 > bound {
        open = super::cover_search::improve(
            &core.covers,
            &sites_of,
            core.rows,
            open,
            bound as usize,
            SEARCH_STALL,
            SEARCH_SEED,
        );
    }
    let mut status = if bound >= open.len() as f64 {
        Status::Optimal
    } else {
        Status::Feasible
    };
    if let (Some(limit), Status::Feasible) = (exact_time_limit_s, status) {
        // Raise the bound one site at a time: is there a cover with `bound` sites? Each question
        // fixes many sites by their reduced costs, so it is a small MILP; the first yes is
        // optimal.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs_f64(limit);
        while status == Status::Feasible {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match smaller_cover(&core, &relaxation, bound as usize + 1, left.as_secs_f64()) {
                SmallerCover::Found { open: smaller, .. } => {
                    open = smaller;
                    status = Status::Optimal;
                }
                SmallerCover::NoneExists => {
                    bound += 1.0;
                    if bound >= open.len() as f64 {
                        status = Status::Optimal;
                    }
                }
                SmallerCover::Unknown => status = Status::TimeLimit,
            }
        }
        if status == Status::Optimal {
            bound = open.len() as f64;
        }
    }
    let open = core.cover(&open);
    debug_assert!(super::milp::covers_all(covers, n_demand, &open));
    let bound = bound + core.forced.len() as f64;
    let objective = open.len() as f64;
    LscpSolution {
        gap: if objective > 0.0 {
            (objective - bound) / objective
        } else {
            0.0
        },
        open,
        objective,
        bound,
        status,
        uncoverable,
    }
}

/// A cover of the core with fewer than `fewer_than` sites (positions in the core), or that none
/// exists. The reduced costs say which sites such a cover must leave out or take (reduced-cost
/// fixing); the reductions run again on what is left, and the MILP sees the rest.
fn smaller_cover(
    core: &Core,
    relaxation: &Relaxation,
    fewer_than: usize,
    time_limit_s: f64,
) -> SmallerCover {
    let (l, c) = (relaxation.value, &relaxation.reduced);
    let n = core.sites.len();
    // A cover with at most `fewer_than − 1` sites needs at least the bound with the site's
    // choice forced.
    let out_of_reach = |forced: f64| forced > fewer_than as f64 - 1.0 + 1e-6;
    let taken: Vec<bool> = (0..n)
        .map(|k| c[k] < 0.0 && out_of_reach(l - c[k]))
        .collect();
    let kept: Vec<Vec<u32>> = (0..n)
        .map(|k| match c[k] >= 0.0 && out_of_reach(l + c[k]) {
            true => Vec::new(),
            false => core.covers[k].clone(),
        })
        .collect();
    let mut reachable = vec![false; core.rows];
    kept.iter()
        .flatten()
        .for_each(|&r| reachable[r as usize] = true);
    if reachable.contains(&false) {
        // Some row only left-out sites cover.
        return SmallerCover::NoneExists;
    }
    let inner = Core::of(&kept, core.rows, &taken);
    if inner.forced.len() >= fewer_than {
        return SmallerCover::NoneExists;
    }
    let none = vec![false; inner.sites.len()];
    let room = fewer_than - inner.forced.len();
    match super::milp::lscp(&inner.covers, inner.rows, &none, room, time_limit_s) {
        SmallerCover::Found { open, proven } => SmallerCover::Found {
            open: inner.cover(&open),
            proven,
        },
        other => other,
    }
}

/// The set-covering reductions of Toregas & ReVelle (1973), repeated until none applies: rows
/// implied by others go; a row only one site covers makes that site open (`forced`, original
/// indices) and the rows it covers go; a site whose rows another site also covers goes (all
/// sites cost the same here; of two alike, the first stays).
fn reduce(red: &mut Reduced, forced: &mut Vec<usize>) {
    loop {
        red.groups = drop_implied_rows(std::mem::take(&mut red.groups));
        let n = red.sites.len();
        let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (r, (_, sites)) in red.groups.iter().enumerate() {
            sites.iter().for_each(|&k| rows_of[k].push(r));
        }
        let mut take = vec![false; n];
        for (_, sites) in &red.groups {
            if let [k] = sites[..] {
                take[k] = true;
            }
        }
        let drop = dominated(&rows_of, |_, b| !take[b]);
        if !take.iter().any(|&t| t) && !drop.iter().any(|&d| d) {
            return;
        }
        let mut covered = vec![false; red.groups.len()];
        for k in (0..n).filter(|&k| take[k]) {
            forced.push(red.sites[k]);
            rows_of[k].iter().for_each(|&r| covered[r] = true);
        }
        let mut position = vec![usize::MAX; n];
        let mut sites = Vec::new();
        for k in (0..n).filter(|&k| !take[k] && !drop[k]) {
            position[k] = sites.len();
            sites.push(red.sites[k]);
        }
        red.sites = sites;
        red.groups = std::mem::take(&mut red.groups)
            .into_iter()
            .zip(covered)
            .filter(|(_, c)| !c)
            .map(|((w, row), _)| {
                let row: Vec<usize> = row
                    .into_iter()
                    .filter(|&k| position[k] != usize::MAX)
                    .map(|k| position[k])
                    .collect();
                debug_assert!(
                    !row.is_empty(),
                    "a dominated site's rows are covered by another"
                );
                (w, row)
            })
            .collect();
    }
}

/// Set-covering rows implied by others: a row whose sites include all of another row's sites is
/// met whenever that one is (the row reduction of Toregas & ReVelle 1973), so only the smaller
/// stays (of equal rows, the first). Sites ascending in each row; the kept rows keep their order.
fn drop_implied_rows(groups: Vec<(f64, Vec<usize>)>) -> Vec<(f64, Vec<usize>)> {
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| groups[g].1.len());
    // Kept rows by their first site: a row inside `row` starts at one of `row`'s sites.
    let mut by_first: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut kept = vec![false; groups.len()];
    for g in order {
        let row = &groups[g].1;
        let implied = row.iter().any(|k| {
            by_first
                .get(k)
                .is_some_and(|rows| rows.iter().any(|&h| is_subset(&groups[h].1, row)))
        });
        if !implied && let Some(&first) = row.first() {
            kept[g] = true;
            by_first.entry(first).or_default().push(g);
        }
    }
    groups
        .into_iter()
        .zip(kept)
        .filter_map(|(g, k)| k.then_some(g))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::milp::covers_all;
    use rand::{RngExt, SeedableRng};

    /// Problems large enough that the reductions leave a core, the Lagrangian leaves a gap and
    /// the MILP runs: the exact answer is the enumerated fewest, the heuristic a cover, both
    /// bounds valid.
    #[test]
    fn exact_cover_is_the_enumerated_fewest() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut cores = 0;
        for case in 0..60 {
            let (n, m) = (40, 16);
            let covers: Vec<Vec<u32>> = (0..m)
                .map(|_| (0..n as u32).filter(|_| rng.random_bool(0.25)).collect())
                .collect();
            let required: Vec<bool> = (0..m).map(|j| j < 2 && case % 3 == 0).collect();
            cores += usize::from(!Core::of(&covers, n, &required).sites.is_empty());
            let fewest = (0..1u32 << m)
                .map(|mask| (0..m).filter(|&j| mask >> j & 1 == 1).collect::<Vec<_>>())
                .filter(|s| (0..m).all(|j| !required[j] || s.contains(&j)))
                .filter(|s| covers_all(&covers, n, s))
                .map(|s| s.len())
                .min()
                .unwrap();
            let exact = solve(&covers, n, &required, Some(30.0), 300);
            assert_eq!(exact.status, Status::Optimal, "case {case}");
            assert_eq!(exact.objective, fewest as f64, "case {case}");
            assert_eq!(exact.bound, fewest as f64, "case {case}");
            assert!(covers_all(&covers, n, &exact.open), "case {case}");
            assert!((0..m).all(|j| !required[j] || exact.open.contains(&j)));
            let quick = solve(&covers, n, &required, None, 300);
            assert!(covers_all(&covers, n, &quick.open), "case {case}");
            assert!(quick.bound <= fewest as f64 && quick.objective >= fewest as f64);
            assert!((0..m).all(|j| !required[j] || quick.open.contains(&j)));
        }
        assert!(cores > 30, "only {cores} cases left a core to solve");
    }

    /// Larger problems, where the Lagrangian bound falls short and reduced-cost fixing and the
    /// MILP's yes/no questions decide: the same count as one plain MILP over all sites.
    #[test]
    fn exact_cover_equals_the_plain_milp() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut gaps = 0;
        for case in 0..40 {
            let (n, m) = (200, 80);
            let covers: Vec<Vec<u32>> = (0..m)
                .map(|_| (0..n as u32).filter(|_| rng.random_bool(0.05)).collect())
                .collect();
            let required: Vec<bool> = (0..m).map(|j| j < 3 && case % 2 == 0).collect();
            let plain = match crate::solve::milp::lscp(&covers, n, &required, m + 1, 60.0) {
                SmallerCover::Found { open, proven: true } => open.len(),
                other => panic!("case {case}: {other:?}"),
            };
            let quick = solve(&covers, n, &required, None, 300);
            gaps += usize::from(quick.status != Status::Optimal);
            let exact = solve(&covers, n, &required, Some(60.0), 300);
            assert_eq!(exact.status, Status::Optimal, "case {case}");
            assert_eq!(exact.objective, plain as f64, "case {case}");
            assert!(covers_all(&covers, n, &exact.open), "case {case}");
            assert!(quick.bound <= plain as f64, "case {case}");
        }
        assert!(
            gaps >= 10,
            "only {gaps} cases needed more than the Lagrangian"
        );
    }

    #[test]
    fn a_row_holding_another_rows_sites_goes() {
        let rows = vec![
            (1.0, vec![0, 2, 5]),
            (1.0, vec![2, 5]),
            (1.0, vec![1, 3]),
            (1.0, vec![0, 1, 3, 4]),
            (1.0, vec![4]),
            (1.0, vec![0, 5]),
        ];
        let kept: Vec<Vec<usize>> = drop_implied_rows(rows).into_iter().map(|r| r.1).collect();
        assert_eq!(kept, vec![vec![2, 5], vec![1, 3], vec![4], vec![0, 5]]);
    }
}
