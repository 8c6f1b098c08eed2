//! Rings where a grid of samples crosses zero: marching squares (the 2-D form of Lorensen &
//! Cline's marching cubes, 1987), each crossing placed on its cell edge by linear interpolation,
//! the rings traced edge to edge.
//!
//! Written here rather than taken from the `contour` crate (d3-contour's algorithm), which the
//! service areas used before: that one stitches segments into rings through hash maps of
//! fragments and joins fragment vectors, 7.7 ms of a 15-minute drive area's 20 ms at
//! county-group scale (BENCHMARKS.md "Both objectives under 60 s and 4 GB"). Here every crossed
//! edge knows the edge its ring goes on to, in one array, so tracing a ring is a walk through
//! that array.

use geo::Coord;

const NONE: u32 = u32::MAX;

/// The closed rings of `values` (`nx` × `ny`, row-major, row `j` at `y = j + 0.5`, column `i`
/// at `x = i + 0.5`) where they cross 0, inside where a value is ≥ 0 (beyond the grid is
/// outside). Rings keep the inside on their left: exteriors run counter-clockwise, holes
/// clockwise (x right, y up). A saddle square (diagonal corners inside) joins its inside
/// corners when the mean of its four values is inside, else keeps them apart.
pub(super) fn zero_rings(values: &[f64], nx: usize, ny: usize) -> Vec<Vec<Coord<f64>>> {
    debug_assert_eq!(values.len(), nx * ny);
    // Padded samples (a border of outside around the grid): padded (i, j) is grid (i-1, j-1).
    let w = nx + 2;
    let at = |i: usize, j: usize| -> f64 {
        if (1..=nx).contains(&i) && (1..=ny).contains(&j) {
            values[(j - 1) * nx + i - 1]
        } else {
            -1.0
        }
    };
    let mut inside = vec![false; w * (ny + 2)];
    for j in 1..=ny {
        for i in 1..=nx {
            inside[j * w + i] = values[(j - 1) * nx + i - 1] >= 0.0;
        }
    }
    // Edge ids: 2k the edge from sample k = j·w + i to its right-hand neighbour, 2k + 1 to
    // the one above. `next[e]`: the crossed edge the ring goes on to from crossed edge `e`.
    let mut next = vec![NONE; 2 * inside.len()];
    for j in 0..=ny {
        for i in 0..=nx {
            let k = j * w + i;
            // Corners counter-clockwise from bottom left; edge m runs from corner m to m + 1.
            let corners = [k, k + 1, k + 1 + w, k + w];
            let ins = corners.map(|c| inside[c]);
            let case = ins.iter().fold(0, |acc, &b| acc << 1 | usize::from(b));
            if case == 0 || case == 0b1111 {
                continue;
            }
            let edges = [2 * k, 2 * (k + 1) + 1, 2 * (k + w), 2 * k + 1];
            let saddle = ins[0] == ins[2] && ins[1] == ins[3];
            let join = saddle && {
                let (x, y) = (i, j);
                at(x, y) + at(x + 1, y) + at(x + 1, y + 1) + at(x, y + 1) >= 0.0
            };
            for m in 0..4 {
                // Leaving the inside along the square's boundary: the ring enters the square
                // here and leaves by the next edge where the boundary re-enters the inside
                // (the previous one, for a saddle whose inside corners stay apart).
                if ins[m] && !ins[(m + 1) % 4] {
                    let to = if !saddle {
                        (1..4)
                            .map(|d| (m + d) % 4)
                            .find(|&n| !ins[n] && ins[(n + 1) % 4])
                    } else if join {
                        Some((m + 1) % 4)
                    } else {
                        Some((m + 3) % 4)
                    };
                    let to = to.expect("a square that leaves the inside re-enters it");
                    next[edges[m]] = edges[to] as u32;
                }
            }
        }
    }
    // Where the values cross 0 on edge `e`, in grid coordinates.
    let point = |e: usize| -> Coord<f64> {
        let k = e / 2;
        let (i, j) = (k % w, k / w);
        let (other, dx, dy) = if e.is_multiple_of(2) {
            (at(i + 1, j), 1.0, 0.0)
        } else {
            (at(i, j + 1), 0.0, 1.0)
        };
        let here = at(i, j);
        let t = -here / (other - here);
        Coord {
            x: i as f64 - 0.5 + t * dx,
            y: j as f64 - 0.5 + t * dy,
        }
    };
    let mut rings = Vec::new();
    for start in 0..next.len() {
        if next[start] == NONE {
            continue;
        }
        let mut ring = Vec::new();
        let mut e = start;
        loop {
            ring.push(point(e));
            let to = next[e] as usize;
            next[e] = NONE;
            if to == start {
                break;
            }
            debug_assert_ne!(to, NONE as usize, "every crossed edge leads on");
            e = to;
        }
        ring.push(ring[0]);
        rings.push(ring);
    }
    rings
}

#[cfg(test)]
mod tests {
    use super::zero_rings;

    /// Twice the signed area, positive counter-clockwise.
    fn area2(ring: &[geo::Coord<f64>]) -> f64 {
        ring.windows(2)
            .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
            .sum()
    }

    #[test]
    fn one_inside_sample_is_a_small_counter_clockwise_diamond() {
        // 3 × 3 grid, the centre sample (at 1.5, 1.5) inside at 1, the others at -1: crossings
        // halfway between the centre and each neighbour.
        let mut v = vec![-1.0; 9];
        v[4] = 1.0;
        let rings = zero_rings(&v, 3, 3);
        assert_eq!(rings.len(), 1);
        let r = &rings[0];
        assert_eq!(r.len(), 5);
        assert_eq!(r[0], r[4]);
        assert!(
            (area2(r) - 2.0 * 0.5).abs() < 1e-12,
            "a diamond of half-diagonal 0.5"
        );
        for p in &r[..4] {
            assert!(
                ((p.x - 1.5).abs() + (p.y - 1.5).abs() - 0.5).abs() < 1e-12,
                "{p:?}"
            );
        }
    }

    #[test]
    fn a_ring_with_a_hole_winds_both_ways() {
        // 5 × 5: a square annulus of inside samples around an outside centre.
        let mut v = vec![-1.0; 25];
        for j in 1..4 {
            for i in 1..4 {
                if (i, j) != (2, 2) {
                    v[j * 5 + i] = 1.0;
                }
            }
        }
        let rings = zero_rings(&v, 5, 5);
        assert_eq!(rings.len(), 2);
        let mut areas: Vec<f64> = rings.iter().map(|r| area2(r) / 2.0).collect();
        areas.sort_by(f64::total_cmp);
        // The hole: the diamond around the centre, clockwise; the exterior: the square [1, 4]²
        // with its corners cut by half a cell, counter-clockwise.
        assert!((areas[0] + 0.5).abs() < 1e-12, "{areas:?}");
        assert!((areas[1] - (9.0 - 4.0 * 0.125)).abs() < 1e-9, "{areas:?}");
    }

    #[test]
    fn a_saddle_joins_or_parts_by_its_mean() {
        // 4 × 4, two diagonal inside samples at (1,1) and (2,2).
        for (value, rings_expected) in [(2.0, 1), (0.5, 2)] {
            let mut v = vec![-1.0; 16];
            v[4 + 1] = value;
            v[2 * 4 + 2] = value;
            let rings = zero_rings(&v, 4, 4);
            assert_eq!(rings.len(), rings_expected, "inside value {value}");
            assert!(rings.iter().all(|r| area2(r) > 0.0));
        }
    }
}
