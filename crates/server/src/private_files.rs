//! Files that hold secrets or personal data — the SQLite database, the code-hashing key, the
//! file outbox (activation codes in clear) — are readable by the server's user only: folders
//! it creates 0700, files 0600, and an existing database or key tightened to 0600 at start.

use anyhow::Context;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Creates `dir` and its missing parents, each new one 0700.
pub fn create_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

/// Writes `bytes` to a new or truncated `path`, 0600 from its creation on.
pub fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    restrict(path)?;
    file.write_all(bytes).with_context(|| format!("writing {}", path.display()))
}

/// Creates `path` empty and 0600 if it does not exist; tightens it to 0600 if it does.
pub fn ensure(path: &Path) -> anyhow::Result<()> {
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    restrict(path)
}

/// Takes every permission but the owner's off `path`.
pub fn restrict(path: &Path) -> anyhow::Result<()> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("restricting {}", path.display()))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &std::path::Path) -> u32 {
        std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn folders_are_0700_and_files_0600_new_or_existing() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("a/b");
        super::create_dir(&dir).expect("dir");
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&root.path().join("a")), 0o700);
        let key = dir.join("k");
        super::write(&key, b"secret").expect("write");
        assert_eq!(mode(&key), 0o600);
        let db = dir.join("db");
        std::fs::write(&db, b"x").expect("plain write");
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        super::ensure(&db).expect("ensure");
        assert_eq!((mode(&db), std::fs::read(&db).expect("read")), (0o600, b"x".to_vec()), "tightened, kept");
    }
}
