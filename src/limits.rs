//! The ranges the numbers users give must lie in, checked where they enter (scenario, input
//! files, instance folders, command-line flags). Finite, and bounded so that every sum the
//! models form stays finite and exact enough: 10⁶ villages of [`MAX_PEOPLE`] elders sum to
//! 10¹⁴, far inside f64's exact integers (2⁵³ ≈ 9·10¹⁵).

/// The most people (or elders) one village, site or demand point may hold: 100 million, more
/// than any county of China.
pub const MAX_PEOPLE: f64 = 1e8;
/// The largest amount of money (yuan) a cost or budget may be: 10¹⁵.
pub const MAX_MONEY: f64 = 1e15;
/// The longest radius, in minutes: one day.
pub const MAX_RADIUS_MIN: f64 = 1440.0;
/// The longest time limit of a solve, seconds: 30 days.
pub const MAX_TIME_LIMIT_S: f64 = 30.0 * 86_400.0;
/// The most worker threads a run may ask for.
pub const MAX_THREADS: usize = 1024;
/// The largest demand weight, radius or cost in a benchmark instance's own unit.
pub const MAX_INSTANCE_NUMBER: f64 = 1e12;

/// `x` if it is a number in `[min, max]` (`min` excluded when `open_min`), else a message
/// naming `what` and the value.
pub fn in_range(what: &str, x: f64, min: f64, open_min: bool, max: f64) -> Result<f64, String> {
    let low_ok = if open_min { x > min } else { x >= min };
    if x.is_finite() && low_ok && x <= max {
        Ok(x)
    } else {
        let low = if open_min { ">" } else { ">=" };
        Err(format!(
            "{what} = {} must be a number {low} {min} and at most {}",
            short(x),
            short(max)
        ))
    }
}

/// A number as a person writes it: `1e300`, not three hundred digits.
pub fn short(x: f64) -> String {
    if x.is_finite() && x != 0.0 && !(1e-4..1e16).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// A time limit in seconds: > 0 and at most [`MAX_TIME_LIMIT_S`].
pub fn time_limit(what: &str, x: f64) -> Result<f64, String> {
    in_range(what, x, 0.0, true, MAX_TIME_LIMIT_S)
}

/// What a solver may be handed as a time limit, whatever it was given: NaN or ≤ 0 become a
/// hundredth of a second, anything above [`MAX_TIME_LIMIT_S`] that (a `Duration` overflows
/// near 1.8·10¹⁹ s and panics).
pub fn clamp_time_limit(x: f64) -> f64 {
    if x > 0.0 {
        x.min(MAX_TIME_LIMIT_S)
    } else {
        0.01
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_refuse_non_finite_and_out_of_range_values() {
        assert_eq!(time_limit("t", 5.0), Ok(5.0));
        for bad in [f64::NAN, f64::INFINITY, -1.0, 0.0, 1e300] {
            assert!(time_limit("t", bad).is_err(), "{bad}");
        }
        assert!(in_range("x", 0.0, 0.0, false, 1.0).is_ok());
        assert_eq!(clamp_time_limit(f64::NAN), 0.01);
        assert_eq!(clamp_time_limit(1e300), MAX_TIME_LIMIT_S);
    }
}
