//! Figures: an HDR histogram of latencies, and the server process's memory and CPU read from
//! `/proc` (Linux).

use hdrhistogram::Histogram;
use std::time::Duration;

/// Microseconds, from 1 µs to 2 minutes, 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 120_000_000, 3).expect("valid histogram bounds")
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// `p50 … max` in milliseconds, as JSON.
pub fn latency_json(h: &Histogram<u64>) -> serde_json::Value {
    serde_json::json!({
        "count": h.len(),
        "p50_ms": ms(h.value_at_quantile(0.50)),
        "p90_ms": ms(h.value_at_quantile(0.90)),
        "p99_ms": ms(h.value_at_quantile(0.99)),
        "p999_ms": ms(h.value_at_quantile(0.999)),
        "max_ms": ms(h.max()),
    })
}

pub fn latency_line(h: &Histogram<u64>) -> String {
    format!(
        "n={} p50={:.2} ms p90={:.2} ms p99={:.2} ms p99.9={:.2} ms max={:.2} ms",
        h.len(),
        ms(h.value_at_quantile(0.50)),
        ms(h.value_at_quantile(0.90)),
        ms(h.value_at_quantile(0.99)),
        ms(h.value_at_quantile(0.999)),
        ms(h.max())
    )
}

/// Resident memory of a process, in KiB (`VmRSS`).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time (user + system) a process has used so far.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let (utime, stime): (u64, u64) = (fields.get(11)?.parse().ok()?, fields.get(12)?.parse().ok()?);
    // The kernel's clock ticks are 100 per second on every Linux this runs on (USER_HZ).
    Some(Duration::from_millis((utime + stime) * 10))
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_has_memory_and_cpu_time() {
        let me = std::process::id();
        assert!(super::rss_kib(me).is_some_and(|k| k > 0));
        assert!(super::cpu_time(me).is_some());
    }

    #[test]
    fn percentiles_come_out_in_milliseconds() {
        let mut h = super::histogram();
        for us in 1..=1000u64 {
            h.record(us * 10).expect("in range");
        }
        let j = super::latency_json(&h);
        assert_eq!(j["count"], 1000);
        assert!((j["p50_ms"].as_f64().expect("p50") - 5.0).abs() < 0.1, "{j}");
    }
}
