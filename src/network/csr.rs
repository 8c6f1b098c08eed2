//! A compact directed graph in compressed-sparse-row form with `u32` indices, and a bounded
//! one-to-many Dijkstra on it.

use crate::model::NodeId;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A directed graph whose out-edges of node `u` are `offsets[u]..offsets[u + 1]`.
/// Edge weights are travel times in seconds (non-negative, finite).
#[derive(Clone, Debug, Default)]
pub struct Csr {
    offsets: Vec<u32>,
    heads: Vec<NodeId>,
    weights: Vec<f64>,
    /// A caller's tag per edge (the road segment it runs along).
    tags: Vec<u32>,
}

/// One out-edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    pub head: NodeId,
    pub weight: f64,
    pub tag: u32,
}

impl Csr {
    /// Builds the graph from `(tail, head, weight, tag)` edges; edges keep their input order
    /// within each tail, so the result does not depend on anything but the input.
    ///
    /// # Panics
    /// If a weight is negative or not finite, or a node index is `>= n_nodes`.
    pub fn from_edges(n_nodes: usize, edges: &[(NodeId, NodeId, f64, u32)]) -> Self {
        let mut offsets = vec![0u32; n_nodes + 1];
        for &(t, h, w, _) in edges {
            assert!(
                t.index() < n_nodes && h.index() < n_nodes,
                "node out of range"
            );
            assert!(
                w.is_finite() && w >= 0.0,
                "edge weight {w} must be finite and >= 0"
            );
            offsets[t.index() + 1] += 1;
        }
        for i in 0..n_nodes {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let m = edges.len();
        let mut heads = vec![NodeId(0); m];
        let mut weights = vec![0.0; m];
        let mut tags = vec![0; m];
        for &(t, h, w, tag) in edges {
            let slot = fill[t.index()] as usize;
            fill[t.index()] += 1;
            heads[slot] = h;
            weights[slot] = w;
            tags[slot] = tag;
        }
        Self {
            offsets,
            heads,
            weights,
            tags,
        }
    }

    pub fn n_nodes(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn n_edges(&self) -> usize {
        self.heads.len()
    }

    /// The out-edges of `u`.
    pub fn edges(&self, u: NodeId) -> impl Iterator<Item = Edge> + '_ {
        let (a, b) = (
            self.offsets[u.index()] as usize,
            self.offsets[u.index() + 1] as usize,
        );
        (a..b).map(move |i| Edge {
            head: self.heads[i],
            weight: self.weights[i],
            tag: self.tags[i],
        })
    }

    /// Bytes held by the graph's arrays.
    pub fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4
            + self.heads.capacity() * 4
            + self.weights.capacity() * 8
            + self.tags.capacity() * 4
    }
}

/// Reusable memory for [`bounded_dijkstra`]: one per thread, so repeated searches cost only
/// what they touch.
#[derive(Clone, Debug)]
pub struct DijkstraWorkspace {
    dist: Vec<f64>,
    settled: Vec<NodeId>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl DijkstraWorkspace {
    pub fn new(n_nodes: usize) -> Self {
        Self {
            dist: vec![f64::INFINITY; n_nodes],
            settled: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Nodes settled by the last search, in the order they were settled (non-decreasing time).
    pub fn settled(&self) -> &[NodeId] {
        &self.settled
    }

    /// Travel time to `u` found by the last search (`INFINITY` if not reached within the
    /// cut-off).
    pub fn dist(&self, u: NodeId) -> f64 {
        self.dist[u.index()]
    }
}

/// Bounded one-to-many Dijkstra (Dijkstra 1959): settles every node whose shortest travel time
/// from the nearest of `sources` (each with a start time) is `<= cutoff`.
///
/// After the call, `ws.settled()` lists those nodes and `ws.dist(u)` gives their times; every
/// other node reads `INFINITY`. Runs in O((V' + E') log V') for the V' nodes and E' edges
/// within the cut-off, independent of the graph's size: the workspace is reset by walking
/// what the previous search touched.
///
/// Times are compared through their IEEE bit patterns (monotone for non-negative floats) with
/// the node index as tie-breaker, so the settling order is deterministic.
///
/// # Example
///
/// ```
/// use carecover::model::NodeId;
/// use carecover::network::{Csr, DijkstraWorkspace, bounded_dijkstra};
///
/// // 0 -> 1 -> 2 -> 3, 60 s each.
/// let g = Csr::from_edges(4, &[(NodeId(0), NodeId(1), 60.0, 0), (NodeId(1), NodeId(2), 60.0, 1), (NodeId(2), NodeId(3), 60.0, 2)]);
/// let mut ws = DijkstraWorkspace::new(4);
/// bounded_dijkstra(&g, &[(NodeId(0), 0.0)], 120.0, &mut ws);
/// assert_eq!(ws.settled(), &[NodeId(0), NodeId(1), NodeId(2)]);
/// assert_eq!(ws.dist(NodeId(2)), 120.0); // exactly at the cut-off: included
/// assert!(ws.dist(NodeId(3)).is_infinite());
/// ```
pub fn bounded_dijkstra(
    graph: &Csr,
    sources: &[(NodeId, f64)],
    cutoff: f64,
    ws: &mut DijkstraWorkspace,
) {
    // Reset only what the last search touched: every node given a finite time was settled,
    // since the search runs until its heap is empty.
    for &u in &ws.settled {
        ws.dist[u.index()] = f64::INFINITY;
    }
    ws.settled.clear();
    for &(s, t) in sources {
        if t <= cutoff && t < ws.dist[s.index()] {
            ws.dist[s.index()] = t;
            ws.heap.push(Reverse((t.to_bits(), s.0)));
        }
    }
    while let Some(Reverse((bits, u))) = ws.heap.pop() {
        let du = f64::from_bits(bits);
        if du > ws.dist[u as usize] {
            continue; // stale entry: a node is only pushed again with a strictly smaller time
        }
        ws.settled.push(NodeId(u));
        for e in graph.edges(NodeId(u)) {
            let dv = du + e.weight;
            if dv <= cutoff && dv < ws.dist[e.head.index()] {
                ws.dist[e.head.index()] = dv;
                ws.heap.push(Reverse((dv.to_bits(), e.head.0)));
            }
        }
    }
}
