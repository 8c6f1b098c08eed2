//! Binding capacities (`capacity_binding` on a tier): who is served when facilities serve at
//! most their capacity. The villages served by an open facility without a capacity are
//! served whole; the others share the capacitated facilities that serve them, their demand
//! split as a maximum flow (source → village, its weight; village → each open capacitated
//! facility serving it; facility → sink, its capacity). The exact model's assignment
//! variables ([`super::milp`]) reach the same value for the same open facilities; a village
//! then counts the share of its weight that fits.

use super::PolicyProblem;
use petgraph::algo::dinics;
use petgraph::graph::{DiGraph, NodeIndex};

/// Whom the open facilities serve under their capacities.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Assignment {
    /// Per village, the share of its weight served (0..=1).
    pub share: Vec<f64>,
    /// Weight that each capacitated facility serves, per village: (village, facility, weight).
    pub flows: Vec<(u32, usize, f64)>,
}

impl PolicyProblem {
    /// Whether some facility has a binding capacity (otherwise coverage is all or nothing).
    pub fn capacitated(&self) -> bool {
        self.facilities.iter().any(|f| f.capacity.is_some())
    }

    /// Who the facilities that `open` names serve, each within its capacity.
    pub fn assignment(&self, open: &dyn Fn(usize) -> bool) -> Assignment {
        let n = self.weights.len();
        let mut share = vec![0.0; n];
        let mut capacitated: Vec<usize> = Vec::new();
        for (f, fac) in self.facilities.iter().enumerate() {
            if !open(f) || !fac.serving() {
                continue;
            }
            match fac.capacity {
                None => fac.serves.iter().for_each(|&v| share[v as usize] = 1.0),
                Some(_) => capacitated.push(f),
            }
        }
        // The rest go through the flow network: only villages with weight left to serve.
        let mut graph: DiGraph<(), f64> = DiGraph::new();
        let source = graph.add_node(());
        let sink = graph.add_node(());
        let mut village_node: Vec<Option<NodeIndex>> = vec![None; n];
        let mut arcs: Vec<(u32, usize, petgraph::graph::EdgeIndex)> = Vec::new();
        for &f in &capacitated {
            let fac = &self.facilities[f];
            let node = graph.add_node(());
            graph.add_edge(node, sink, fac.capacity.unwrap_or(0.0).max(0.0));
            for &v in &fac.serves {
                let w = self.weights[v as usize];
                if share[v as usize] >= 1.0 || w <= 0.0 {
                    continue;
                }
                let vn = *village_node[v as usize].get_or_insert_with(|| {
                    let vn = graph.add_node(());
                    graph.add_edge(source, vn, w);
                    vn
                });
                arcs.push((v, f, graph.add_edge(vn, node, w)));
            }
        }
        let mut flows = Vec::new();
        if !arcs.is_empty() {
            let (_, flow) = dinics(&graph, source, sink);
            let mut got = vec![0.0; n];
            for &(v, f, e) in &arcs {
                let x = flow[e.index()];
                if x > 0.0 {
                    got[v as usize] += x;
                    flows.push((v, f, x));
                }
            }
            for (v, &g) in got.iter().enumerate() {
                if g > 0.0 {
                    share[v] = (g / self.weights[v]).min(1.0);
                }
            }
        }
        Assignment { share, flows }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::fixture;
    use crate::policy::{Facility, PolicyProblem};
    use crate::scenario::{Objective, Role};

    fn point(serves: Vec<u32>, capacity: Option<f64>) -> Facility {
        Facility {
            capacity,
            ..fixture::facility(Role::Village, 0, 1.0, serves)
        }
    }

    /// One town that needs no centre, its points alone.
    fn problem(weights: Vec<f64>, facilities: Vec<Facility>) -> PolicyProblem {
        let mut p = fixture::problem(weights, 1, facilities, Objective::MaxCoverage);
        p.needs_centre = vec![false];
        p
    }

    /// Villages of 300, 200 and 100 elders; a point of 350 serving the first two and one of
    /// 150 serving the last two: the flow sends 300 + 50 to the first, 150 of the second's
    /// 200 and none of the third's 100 to the second — or, as good, another split of 500.
    #[test]
    fn capacities_split_the_villages_as_a_maximum_flow() {
        let p = problem(
            vec![300.0, 200.0, 100.0],
            vec![
                point(vec![0, 1], Some(350.0)),
                point(vec![1, 2], Some(150.0)),
            ],
        );
        let a = p.assignment(&|_| true);
        let served: f64 = a.share.iter().zip(&p.weights).map(|(s, w)| s * w).sum();
        assert_eq!(served, 500.0);
        let mut load = [0.0; 2];
        for &(_, f, x) in &a.flows {
            load[f] += x;
        }
        assert_eq!(load, [350.0, 150.0]);
        assert_eq!(p.served(&[Some(0), Some(0)]), vec![500.0]);
        // Only the first open: 350 of the first two villages' 500.
        assert_eq!(p.served(&[Some(0), None]), vec![350.0]);
        // An uncapacitated point serving the second village frees the others' room.
        let mut q = p.clone();
        q.facilities.push(point(vec![1], None));
        assert_eq!(q.served(&[Some(0), Some(0), Some(0)]), vec![600.0]);
    }
}
