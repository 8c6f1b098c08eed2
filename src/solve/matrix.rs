//! Sparse demand–site costs: the structure every problem type is solved on. An absent pair is
//! unreachable (infinite cost): it never covers and can never be assigned.

/// Costs (travel time or distance) between demands and sites, stored both ways.
#[derive(Clone, Debug, PartialEq)]
pub struct CostMatrix {
    n_demand: usize,
    /// For each site, `(demand, cost)` sorted by demand.
    by_site: Vec<Vec<(u32, f64)>>,
    /// For each demand, `(site, cost)` sorted by cost, then site.
    by_demand: Vec<Vec<(u32, f64)>>,
}

impl CostMatrix {
    /// Builds the matrix from `(demand, site, cost)` triples. A repeated pair keeps the last
    /// cost given.
    ///
    /// # Panics
    /// On an index out of range or a cost that is negative or not finite.
    pub fn from_pairs(
        n_demand: usize,
        n_sites: usize,
        pairs: impl IntoIterator<Item = (u32, u32, f64)>,
    ) -> Self {
        let mut by_site: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_sites];
        for (i, j, c) in pairs {
            assert!(
                (i as usize) < n_demand && (j as usize) < n_sites,
                "pair ({i}, {j}) out of range"
            );
            assert!(
                c.is_finite() && c >= 0.0,
                "cost {c} of pair ({i}, {j}) must be finite and >= 0"
            );
            by_site[j as usize].push((i, c));
        }
        for list in &mut by_site {
            // Stable sort, then keep the last of each run of equal demands.
            list.sort_by_key(|&(i, _)| i);
            let mut dedup: Vec<(u32, f64)> = Vec::with_capacity(list.len());
            for &(i, c) in list.iter() {
                match dedup.last_mut() {
                    Some(last) if last.0 == i => *last = (i, c),
                    _ => dedup.push((i, c)),
                }
            }
            *list = dedup;
        }
        let mut by_demand: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_demand];
        for (j, list) in by_site.iter().enumerate() {
            for &(i, c) in list {
                by_demand[i as usize].push((j as u32, c));
            }
        }
        for list in &mut by_demand {
            list.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        }
        Self {
            n_demand,
            by_site,
            by_demand,
        }
    }

    /// A dense matrix from a cost function (every pair reachable).
    pub fn dense(n_demand: usize, n_sites: usize, cost: impl Fn(usize, usize) -> f64) -> Self {
        Self::from_pairs(
            n_demand,
            n_sites,
            (0..n_sites)
                .flat_map(|j| (0..n_demand).map(move |i| (i as u32, j as u32)))
                .map(|(i, j)| (i, j, cost(i as usize, j as usize))),
        )
    }

    pub fn n_demand(&self) -> usize {
        self.n_demand
    }

    pub fn n_sites(&self) -> usize {
        self.by_site.len()
    }

    /// Number of reachable pairs.
    pub fn n_pairs(&self) -> usize {
        self.by_site.iter().map(Vec::len).sum()
    }

    /// `(demand, cost)` of site `j`, by demand.
    pub fn site(&self, j: usize) -> &[(u32, f64)] {
        &self.by_site[j]
    }

    /// `(site, cost)` of demand `i`, cheapest first.
    pub fn demand(&self, i: usize) -> &[(u32, f64)] {
        &self.by_demand[i]
    }

    /// For each site, the demands within `radius` (cost `<= radius`, the coverage rule).
    pub fn covers(&self, radius: f64) -> Vec<Vec<u32>> {
        self.by_site
            .iter()
            .map(|l| {
                l.iter()
                    .filter(|&&(_, c)| c <= radius)
                    .map(|&(i, _)| i)
                    .collect()
            })
            .collect()
    }

    /// The largest cost of any pair (0 when empty).
    pub fn max_cost(&self) -> f64 {
        self.by_site
            .iter()
            .flatten()
            .map(|&(_, c)| c)
            .fold(0.0, f64::max)
    }

    /// Distinct costs, ascending (candidate radii for p-center).
    pub fn distinct_costs(&self) -> Vec<f64> {
        let mut v: Vec<f64> = self.by_site.iter().flatten().map(|&(_, c)| c).collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        v
    }
}
