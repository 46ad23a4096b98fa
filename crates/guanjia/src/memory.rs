//! A process's memory as Linux reports it in `/proc/PID/status`: resident now (`VmRSS`), its
//! anonymous part (`RssAnon`: the heap and stacks, where a leak shows; the rest is the binary's
//! and libraries' pages, which a debug build touches more of as more code runs) and the resident
//! peak (`VmHWM`), in MB. Elsewhere there is no such file and the benchmarks say nothing.

#[derive(Clone, Copy, Debug)]
pub struct Memory {
    pub resident_mb: f64,
    pub anonymous_mb: f64,
    pub peak_mb: f64,
}

impl Memory {
    /// The memory of process `pid`, if the system says.
    pub fn of(pid: u32) -> Option<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        Some(Memory {
            resident_mb: field_mb(&status, "VmRSS")?,
            anonymous_mb: field_mb(&status, "RssAnon")?,
            peak_mb: field_mb(&status, "VmHWM")?,
        })
    }

    /// This process's memory.
    pub fn of_self() -> Option<Memory> {
        Memory::of(std::process::id())
    }
}

impl std::fmt::Display for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.1} MB resident, {:.1} MB at its peak",
            self.resident_mb, self.peak_mb
        )
    }
}

/// A `NAME:   1234 kB` line of the status file, in MB.
fn field_mb(status: &str, name: &str) -> Option<f64> {
    let kb: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_status_lines_in_megabytes() {
        let status = "Name:\tguanjia\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nRssAnon:\t   51200 kB\nThreads:\t7\n";
        assert_eq!(field_mb(status, "VmRSS"), Some(100.0));
        assert_eq!(field_mb(status, "RssAnon"), Some(50.0));
        assert_eq!(field_mb(status, "VmHWM"), Some(200.0));
        assert_eq!(field_mb(status, "VmSwap"), None);
    }

    #[test]
    fn this_process_has_memory() {
        let memory = Memory::of_self().expect("Linux reports a process's memory");
        assert!(memory.resident_mb > 0.0 && memory.peak_mb >= memory.resident_mb);
    }
}
