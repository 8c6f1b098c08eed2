//! Benchmark and peer instances, solver-neutral: the facloc-instance/1 folder format (shared
//! with the spopt runner), OR-Library p-median files, and the TSPLIB-like MCLP files of Máximo
//! et al. Each becomes a [`FacilityInstance`]: demand weights, site costs, and sparse
//! demand–site costs (an absent pair is unreachable).

use crate::error::{Error, Result};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use std::io::{BufRead, Read};
use std::path::Path;

/// A facility-location instance as read from a benchmark file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FacilityInstance {
    pub name: String,
    pub demand_ids: Vec<String>,
    pub weights: Vec<f64>,
    pub site_ids: Vec<String>,
    /// Opening cost per site (0 where the format has none).
    pub site_costs: Vec<f64>,
    /// Sites open in every solution.
    pub required: Vec<bool>,
    /// Capacity per site (optional `capacity` column of sites.csv; `None` = unlimited).
    pub capacity: Vec<Option<f64>>,
    /// Existing sites that may be closed (撤并), with the cost of closing them (optional
    /// `close_cost` column; a site with one is closable, and its `cost` is the cost of keeping it).
    pub close_cost: Vec<Option<f64>>,
    /// `(demand, site, cost)` for every reachable pair.
    pub pairs: Vec<(u32, u32, f64)>,
    /// Defaults from the file (a command line may override them).
    pub radius: Option<f64>,
    pub p: Option<usize>,
    pub budget: Option<f64>,
}

/// A number of a benchmark file: finite and within ±[`crate::limits::MAX_INSTANCE_NUMBER`].
fn number(token: &str) -> Option<f64> {
    token
        .parse::<f64>()
        .ok()
        .filter(|x| x.abs() <= crate::limits::MAX_INSTANCE_NUMBER)
}

fn not_a_number(path: &Path, place: &str, token: &str) -> Error {
    Error::input(
        path,
        place,
        format!("`{token}` is not a finite number in range"),
    )
}

fn read_to_string(path: &Path) -> Result<String> {
    let mut s = String::new();
    super::open(path)?
        .read_to_string(&mut s)
        .map_err(|source| Error::Read {
            file: path.to_path_buf(),
            source,
        })?;
    Ok(s)
}

/// Reads an OR-Library p-median file (Beasley 1985): header `n m p`, then `m` edges `i j cost`
/// (1-based). As the OR-Library notes say, a repeated edge takes the **last** cost given; the
/// costs are then all-pairs shortest paths (Floyd–Warshall). Every vertex is a demand of
/// weight 1 and a candidate site.
pub fn read_orlib_pmed(path: &Path) -> Result<FacilityInstance> {
    let text = read_to_string(path)?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let nums = |(k, l): (usize, &str)| -> Result<Vec<f64>> {
        l.split_whitespace()
            .map(|t| number(t).ok_or_else(|| not_a_number(path, &format!("line {}", k + 1), t)))
            .collect()
    };
    let header = nums(
        lines
            .next()
            .ok_or_else(|| Error::file(path, "empty file"))?,
    )?;
    let [n, m, p] = header[..] else {
        return Err(Error::input(path, "line 1", "expected `n m p`"));
    };
    let n = n as usize;
    let mut d = vec![f64::INFINITY; n * n];
    for i in 0..n {
        d[i * n + i] = 0.0;
    }
    let mut count = 0;
    for line in lines {
        let k = line.0;
        let v = nums(line)?;
        let [a, b, c] = v[..] else {
            return Err(Error::input(
                path,
                format!("line {}", k + 1),
                "expected `i j cost`",
            ));
        };
        let (a, b) = (a as usize, b as usize);
        if a == 0 || b == 0 || a > n || b > n {
            return Err(Error::input(
                path,
                format!("line {}", k + 1),
                format!("vertex out of 1..{n}"),
            ));
        }
        d[(a - 1) * n + (b - 1)] = c;
        d[(b - 1) * n + (a - 1)] = c;
        count += 1;
    }
    if count != m as usize {
        return Err(Error::file(
            path,
            format!("header says {m} edges, found {count}"),
        ));
    }
    // Floyd–Warshall, row-parallel for each k.
    for k in 0..n {
        let row_k: Vec<f64> = d[k * n..(k + 1) * n].to_vec();
        d.par_chunks_mut(n).for_each(|row| {
            let dik = row[k];
            if dik.is_finite() {
                for (x, &dk) in row.iter_mut().zip(&row_k) {
                    let via = dik + dk;
                    if via < *x {
                        *x = via;
                    }
                }
            }
        });
    }
    let ids: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    let pairs = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .filter(|&(i, j)| d[i * n + j].is_finite())
        .map(|(i, j)| (i as u32, j as u32, d[i * n + j]))
        .collect();
    Ok(FacilityInstance {
        name: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        demand_ids: ids.clone(),
        weights: vec![1.0; n],
        site_ids: ids,
        site_costs: vec![0.0; n],
        required: vec![false; n],
        capacity: vec![None; n],
        close_cost: vec![None; n],
        pairs,
        radius: None,
        p: Some(p as usize),
        budget: None,
    })
}

/// Earth radius used by Máximo et al.'s code, metres.
const MAXIMO_EARTH_M: f64 = 6_378_100.0;

/// Reads a TSPLIB-like MCLP file (Máximo, Nascimento & Carvalho 2017): `NODE_COORD_SECTION`
/// with `lat lon` in degrees, `DEMAND_SECTION` with integer demands. Distances follow the
/// authors' code: spherical law of cosines on a 6,378,100 m sphere, rounded to `f32`; only pairs
/// within `radius` metres are kept (coverage needs no others). Every node is a demand and a
/// candidate site.
pub fn read_tsplib_mclp(path: &Path, radius: f64) -> Result<FacilityInstance> {
    let reader = super::open(path)?;
    let mut section = "";
    let mut coords: Vec<(f64, f64)> = Vec::new();
    let mut demand: Vec<f64> = Vec::new();
    let mut name = String::new();
    for (k, line) in reader.lines().enumerate() {
        let line = line.map_err(|source| Error::Read {
            file: path.to_path_buf(),
            source,
        })?;
        let t = line.trim();
        if t.is_empty() || t == "EOF" {
            continue;
        }
        if t.starts_with("NODE_COORD_SECTION") || t.starts_with("DEMAND_SECTION") {
            section = if t.starts_with("NODE") {
                "coords"
            } else {
                "demand"
            };
            continue;
        }
        if let Some((key, value)) = t.split_once(':') {
            if key.trim() == "NAME" {
                name = value.trim().to_string();
            }
            continue;
        }
        let place = || format!("line {}", k + 1);
        let nums: Vec<f64> = t
            .split_whitespace()
            .map(|x| number(x).ok_or_else(|| not_a_number(path, &place(), x)))
            .collect::<Result<_>>()?;
        match (section, &nums[..]) {
            ("coords", [lat, lon, ..]) => coords.push((*lat, *lon)),
            ("demand", [w, ..]) if *w < 0.0 => {
                return Err(Error::input(
                    path,
                    place(),
                    format!("demand {w} is negative"),
                ));
            }
            ("demand", [w, ..]) => demand.push(*w),
            _ => return Err(Error::input(path, place(), format!("unexpected `{t}`"))),
        }
    }
    if coords.is_empty() || coords.len() != demand.len() {
        return Err(Error::file(
            path,
            format!("{} coordinates but {} demands", coords.len(), demand.len()),
        ));
    }
    let rad: Vec<(f64, f64)> = coords
        .iter()
        .map(|&(la, lo)| (la.to_radians(), lo.to_radians()))
        .collect();
    let n = rad.len();
    let pairs: Vec<(u32, u32, f64)> = (0..n)
        .into_par_iter()
        .flat_map_iter(|j| {
            let rad = &rad;
            (0..n).filter_map(move |i| {
                let ((p1, l1), (p2, l2)) = (rad[i], rad[j]);
                let c =
                    (p1.cos() * p2.cos() * (l1 - l2).cos() + p1.sin() * p2.sin()).clamp(-1.0, 1.0);
                let d = (c.acos() * MAXIMO_EARTH_M) as f32 as f64;
                (d <= radius).then_some((i as u32, j as u32, d))
            })
        })
        .collect();
    let ids: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    Ok(FacilityInstance {
        name: if name.is_empty() {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            name
        },
        demand_ids: ids.clone(),
        weights: demand,
        site_ids: ids,
        site_costs: vec![0.0; n],
        required: vec![false; n],
        capacity: vec![None; n],
        close_cost: vec![None; n],
        pairs,
        radius: Some(radius),
        p: None,
        budget: None,
    })
}

#[derive(Deserialize)]
struct ProblemJson {
    name: Option<String>,
    radius: Option<f64>,
    p: Option<usize>,
    budget: Option<f64>,
}

fn read_problem_json(dir: &Path) -> Result<ProblemJson> {
    let path = dir.join("problem.json");
    serde_json::from_str(&read_to_string(&path)?)
        .map_err(|e| Error::file(&path, format!("invalid problem.json: {e}")))
}

/// The coverage radius a facloc-instance/1 folder's `problem.json` gives, if any.
pub fn read_facloc_radius(dir: &Path) -> Result<Option<f64>> {
    Ok(read_problem_json(dir)?.radius)
}

/// Reads a facloc-instance/1 folder: `demand.csv` (`id,x,y,weight`), `sites.csv`
/// (`id,x,y,cost,required`), optional sparse `costs.csv` (`demand_id,site_id,cost`; absent pair
/// = unreachable; else planar Euclidean distance of x, y), and `problem.json`.
///
/// Pairs costing more than `max_cost` are not kept: covering problems need only the pairs within
/// their radius, which keeps a dense Euclidean instance from filling memory.
pub fn read_facloc_dir(dir: &Path, max_cost: Option<f64>) -> Result<FacilityInstance> {
    use super::row::Row;
    use crate::limits::MAX_INSTANCE_NUMBER as MAX;
    let keep = |c: f64| max_cost.is_none_or(|m| c <= m);
    /// Every row of a CSV file with the `required` columns, through `each`; the file must
    /// have a row. Errors name the file, the line, the column and the value.
    fn table<'a>(
        path: &'a Path,
        required: &[&str],
        mut each: impl FnMut(&Row<'a>) -> Result<()>,
    ) -> Result<()> {
        let mut n = 0;
        super::csv_input::for_each_row(
            super::encoding::utf8_reader(Box::new(super::open(path)?), path)?,
            path,
            |h| super::check_columns(path, h, required),
            |row| {
                n += 1;
                each(&row)
            },
        )?;
        if n == 0 {
            return Err(Error::file(path, "the file has a header but no rows"));
        }
        Ok(())
    }
    let number = |row: &Row, name: &str| row.at_most(name, MAX);
    /// An id: present and not seen before in this file.
    fn id(row: &Row, seen: &mut super::UniqueKeys) -> Result<String> {
        let id = row.text("id");
        seen.insert(row.file, &row.place, &id)?;
        Ok(id)
    }
    let coordinate = |row: &Row, name: &str| -> Result<f64> {
        let x = row.f64(name)?;
        if x.abs() > MAX {
            return Err(Error::input(
                row.file,
                format!("{}, field `{name}`", row.place),
                format!("{x} is beyond ±{MAX}"),
            ));
        }
        Ok(x)
    };
    let demand_path = dir.join("demand.csv");
    let (mut demand_ids, mut weights, mut dxy) = (Vec::new(), Vec::new(), Vec::new());
    let mut seen = super::UniqueKeys::new();
    table(&demand_path, &["id", "x", "y", "weight"], |row| {
        demand_ids.push(id(row, &mut seen)?);
        dxy.push((coordinate(row, "x")?, coordinate(row, "y")?));
        weights.push(number(row, "weight")?);
        Ok(())
    })?;
    let sites_path = dir.join("sites.csv");
    let mut site_ids = Vec::new();
    let (mut sxy, mut site_costs, mut required, mut capacity, mut close_cost) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut seen = super::UniqueKeys::new();
    table(&sites_path, &["id", "x", "y"], |row| {
        site_ids.push(id(row, &mut seen)?);
        sxy.push((coordinate(row, "x")?, coordinate(row, "y")?));
        site_costs.push(row.opt_at_most("cost", MAX)?.unwrap_or(0.0));
        required.push(row.flag("required")?);
        capacity.push(row.opt_at_most("capacity", MAX)?);
        close_cost.push(row.opt_at_most("close_cost", MAX)?);
        Ok(())
    })?;
    let problem = read_problem_json(dir)?;
    let costs_path = dir.join("costs.csv");
    let pairs: Vec<(u32, u32, f64)> = if costs_path.exists() {
        fn index(ids: &[String]) -> FxHashMap<&str, u32> {
            ids.iter()
                .enumerate()
                .map(|(k, d)| (d.as_str(), k as u32))
                .collect()
        }
        let (di, si) = (index(&demand_ids), index(&site_ids));
        let bytes = std::fs::read(&costs_path).map_err(|source| Error::Read {
            file: costs_path.clone(),
            source,
        })?;
        match plain_cost_pairs(&bytes, &di, &si, keep) {
            Some(pairs) => pairs,
            None => checked_cost_pairs(&bytes, &costs_path, &di, &si, keep)?,
        }
    } else {
        euclidean_pairs(&dxy, &sxy, max_cost)
    };
    Ok(FacilityInstance {
        name: problem.name.unwrap_or_else(|| {
            dir.file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        }),
        demand_ids,
        weights,
        site_ids,
        site_costs,
        required,
        capacity,
        close_cost,
        pairs,
        radius: problem.radius,
        p: problem.p,
        budget: problem.budget,
    })
}

/// The pairs of a plain costs.csv (UTF-8, no quotes, the three columns, every id known, every
/// cost a number in range), read straight from the bytes: the file has a row per pair (137,000
/// for 1,000 × 200) and this is most of an instance's reading time. `None` for anything else,
/// which [`checked_cost_pairs`] then reads with the CSV reader and names what is wrong.
fn plain_cost_pairs(
    bytes: &[u8],
    di: &FxHashMap<&str, u32>,
    si: &FxHashMap<&str, u32>,
    keep: impl Fn(f64) -> bool + Sync,
) -> Option<Vec<(u32, u32, f64)>> {
    use crate::limits::MAX_INSTANCE_NUMBER as MAX;
    let text = std::str::from_utf8(bytes).ok()?;
    if text.contains('"') {
        return None;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (head, body) = text.split_once('\n').unwrap_or((text, ""));
    let header: Vec<&str> = head.split(',').map(str::trim).collect();
    let at = |name: &str| header.iter().position(|h| *h == name);
    let (d, s, c) = (at("demand_id")?, at("site_id")?, at("cost")?);
    // Pieces of about 256 kB cut at line ends, read in parallel, joined in file order.
    let mut pieces = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let cut = match rest.get(1 << 18..).and_then(|t| t.find('\n')) {
            Some(k) => (1 << 18) + k + 1,
            None => rest.len(),
        };
        let (piece, tail) = rest.split_at(cut);
        pieces.push(piece);
        rest = tail;
    }
    let read = |piece: &str| -> Option<Vec<(u32, u32, f64)>> {
        let mut pairs = Vec::with_capacity(piece.len() / 16);
        let mut field = vec![""; header.len()];
        for line in piece.split('\n') {
            if line.is_empty() || line == "\r" {
                continue;
            }
            let mut parts = line.split(',');
            for f in field.iter_mut() {
                *f = parts.next()?.trim();
            }
            if parts.next().is_some() {
                return None;
            }
            let cost: f64 = field[c].parse().ok()?;
            if !(cost.is_finite() && (0.0..=MAX).contains(&cost)) {
                return None;
            }
            let (i, j) = (*di.get(field[d])?, *si.get(field[s])?);
            if keep(cost) {
                pairs.push((i, j, cost));
            }
        }
        Some(pairs)
    };
    let pieces: Option<Vec<_>> = pieces.into_par_iter().map(read).collect();
    Some(pieces?.concat())
}

/// The pairs of costs.csv through the CSV reader (any encoding, quoting), with errors that name
/// the line, the column and the value.
fn checked_cost_pairs(
    bytes: &[u8],
    costs_path: &Path,
    di: &FxHashMap<&str, u32>,
    si: &FxHashMap<&str, u32>,
    keep: impl Fn(f64) -> bool,
) -> Result<Vec<(u32, u32, f64)>> {
    use super::row::Row;
    use crate::limits::MAX_INSTANCE_NUMBER as MAX;
    let mut pairs = Vec::new();
    let checked = |row: &Row| -> Result<(u32, u32, f64)> {
        let lookup = |index: &FxHashMap<&str, u32>, column: &str| {
            let id = row.text(column);
            index.get(id.as_str()).copied().ok_or_else(|| {
                Error::input(
                    row.file,
                    format!("{}, column `{column}`", row.place),
                    format!("unknown id `{id}`"),
                )
            })
        };
        let (i, j) = (lookup(di, "demand_id")?, lookup(si, "site_id")?);
        Ok((i, j, row.at_most("cost", MAX)?))
    };
    let columns = ["demand_id", "site_id", "cost"];
    super::csv_input::for_each_record(
        super::encoding::utf8_reader(Box::new(std::io::Cursor::new(bytes.to_vec())), costs_path)?,
        costs_path,
        |h| super::check_columns(costs_path, h, &columns),
        |headers, record| {
            let (i, j, c) = checked(&super::csv_input::row_of(costs_path, headers, record))?;
            if keep(c) {
                pairs.push((i, j, c));
            }
            Ok(())
        },
    )?;
    Ok(pairs)
}

/// Every (demand, site, distance) pair of a Euclidean instance, site by site and demand
/// ascending, within `max_cost` when given. With a radius, an R-tree of the demands finds the
/// pairs near each site instead of measuring all `demands × sites` distances; the kept
/// distances and the `<= max_cost` rule are exactly those of the all-pairs loop.
fn euclidean_pairs(
    demands: &[(f64, f64)],
    sites: &[(f64, f64)],
    max_cost: Option<f64>,
) -> Vec<(u32, u32, f64)> {
    use rstar::RTree;
    use rstar::primitives::GeomWithData;
    let distance = |(x0, y0): (f64, f64), (x1, y1): (f64, f64)| (x0 - x1).hypot(y0 - y1);
    let Some(max) = max_cost else {
        return (0..sites.len())
            .flat_map(|j| (0..demands.len()).map(move |i| (i, j)))
            .map(|(i, j)| (i as u32, j as u32, distance(demands[i], sites[j])))
            .collect();
    };
    let tree = RTree::bulk_load(
        demands
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| GeomWithData::new([x, y], i as u32))
            .collect(),
    );
    // A hair wider than the radius, so rounding in the squared query loses no pair the exact
    // rule keeps; the rule itself is applied to the same distance as before.
    let reach = max * (1.0 + 1e-9) + 1e-9;
    let mut pairs = Vec::new();
    let mut near = Vec::new();
    for (j, &(x, y)) in sites.iter().enumerate() {
        near.clear();
        near.extend(
            tree.locate_within_distance([x, y], reach * reach)
                .map(|d| d.data),
        );
        near.sort_unstable();
        for &i in &near {
            let c = distance(demands[i as usize], (x, y));
            if c <= max {
                pairs.push((i, j as u32, c));
            }
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::{FxHashMap, checked_cost_pairs, euclidean_pairs, plain_cost_pairs};
    use rand::{RngExt, SeedableRng};
    use std::path::Path;

    /// The fast reader takes what the CSV reader takes, the same way, and leaves everything else
    /// (quotes, unknown ids, bad numbers, ragged rows) to it.
    #[test]
    fn plain_costs_read_as_the_csv_reader_reads_them() {
        let ids = |names: &[&'static str]| -> FxHashMap<&'static str, u32> {
            names
                .iter()
                .enumerate()
                .map(|(k, n)| (*n, k as u32))
                .collect()
        };
        let (di, si) = (ids(&["d0", "d1", "d2"]), ids(&["s0", "s1"]));
        let path = Path::new("costs.csv");
        let keep = |c: f64| c <= 5.0;
        for text in [
            "demand_id,site_id,cost\nd0,s0,1.5\nd1,s1,7\nd2,s0,5\n",
            "\u{feff}cost, site_id ,demand_id,note\r\n2.5 ,s1, d2,x\r\n\r\n1e0,s0,d0,\r\n",
            "demand_id,site_id,cost\nd0,s1,0.25",
            "demand_id,site_id,cost\n",
        ] {
            let plain = plain_cost_pairs(text.as_bytes(), &di, &si, keep);
            let checked = checked_cost_pairs(text.as_bytes(), path, &di, &si, keep).unwrap();
            assert_eq!(plain.as_ref(), Some(&checked), "{text:?}");
        }
        let plain = plain_cost_pairs(b"demand_id,site_id,cost\nd0,s0,1.5\n", &di, &si, keep);
        assert_eq!(plain, Some(vec![(0, 0, 1.5)]));
        // Large enough to be read in several pieces: the same pairs in the same order.
        let mut big = String::from("demand_id,site_id,cost\n");
        for k in 0..40_000 {
            big += &format!("d{},s{},{}.{}\n", k % 3, k % 2, k % 7, k % 10);
        }
        let plain = plain_cost_pairs(big.as_bytes(), &di, &si, keep).unwrap();
        assert!(plain.len() > 20_000);
        let checked = checked_cost_pairs(big.as_bytes(), path, &di, &si, keep).unwrap();
        assert_eq!(plain, checked);
        for (text, says) in [
            ("demand_id,site_id,cost\n\"d0\",s0,1\n", None),
            ("demand_id,site_id,cost\nd0,s0,1\nd9,s0,1\n", Some("line 3")),
            ("demand_id,site_id,cost\nd0,s0,fast\n", Some("`cost`")),
            ("demand_id,site_id,cost\nd0,s0,-1\n", Some("`cost`")),
            ("demand_id,site_id,cost\nd0,s0\n", Some("record")),
            (
                "demand_id,site,cost\nd0,s0,1\n",
                Some("missing column `site_id`"),
            ),
        ] {
            assert_eq!(
                plain_cost_pairs(text.as_bytes(), &di, &si, keep),
                None,
                "{text:?}"
            );
            let checked = checked_cost_pairs(text.as_bytes(), path, &di, &si, keep);
            match says {
                None => assert_eq!(checked.unwrap(), vec![(0, 0, 1.0)]),
                Some(words) => {
                    let error = checked.unwrap_err().to_string();
                    assert!(error.contains(words), "{text:?}: {error}");
                }
            }
        }
    }

    #[test]
    fn pairs_within_a_radius_from_the_index_equal_all_pairs_filtered() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut points = |n: usize| -> Vec<(f64, f64)> {
            (0..n)
                .map(|_| {
                    // Whole metres: many pairs exactly at the radius.
                    let x: u32 = rng.random_range(0..60);
                    let y: u32 = rng.random_range(0..60);
                    (x as f64 * 50.0, y as f64 * 50.0)
                })
                .collect()
        };
        let (demands, sites) = (points(400), points(80));
        let all = euclidean_pairs(&demands, &sites, None);
        assert_eq!(all.len(), 400 * 80);
        for radius in [0.0, 250.0, 500.0, 1234.5] {
            let expected: Vec<_> = all.iter().copied().filter(|p| p.2 <= radius).collect();
            assert_eq!(
                euclidean_pairs(&demands, &sites, Some(radius)),
                expected,
                "r = {radius}"
            );
        }
    }
}
