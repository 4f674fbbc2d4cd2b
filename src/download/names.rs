//! File names from the service, checked before they touch the file system.

use std::path::{Component, Path};

/// The suffix of files still being written.
pub(crate) const PART_SUFFIX: &str = ".part";

/// The longest file name accepted, in bytes (the common file-system limit).
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// Checks that `name` (a `FileName` sent by the service) is a plain file name that stays
/// inside the output folder when joined to it.
///
/// Rejected: empty names, `.` and `..`, names with `/`, `\` or `:` (path separators and
/// Windows drive or stream prefixes, so nothing absolute or relative gets through), control
/// characters (NUL included), names ending in `.part` (the suffix used for incomplete files)
/// and names longer than [`MAX_FILE_NAME_BYTES`]. The error says which rule failed.
///
/// ```
/// use tencentcloud_redis::download::check_file_name;
///
/// assert!(check_file_name("9527208-ignore-1-ignore.rdb").is_ok());
/// assert!(check_file_name("../../etc/passwd").is_err());
/// assert!(check_file_name("/etc/passwd").is_err());
/// ```
pub fn check_file_name(name: &str) -> Result<&str, &'static str> {
    if name.is_empty() {
        return Err("it is empty");
    }
    if name.len() > MAX_FILE_NAME_BYTES {
        return Err("it is longer than 255 bytes");
    }
    if name == "." || name == ".." {
        return Err("it names a folder (`.` or `..`), not a file");
    }
    if name.contains(['/', '\\']) {
        return Err("it contains a path separator (`/` or `\\`)");
    }
    if name.contains(':') {
        return Err("it contains `:` (a drive or stream prefix on Windows)");
    }
    if name.chars().any(char::is_control) {
        return Err("it contains a control character");
    }
    if name.ends_with(PART_SUFFIX) {
        return Err("it ends in `.part`, the suffix used for incomplete downloads");
    }
    // Belt and braces: whatever the rules above miss, the name must be exactly one normal
    // path component on this platform.
    let mut components = Path::new(name).components();
    match (components.next(), components.next()) {
        (Some(Component::Normal(c)), None) if c == name => Ok(name),
        _ => Err("it is not a single plain path component"),
    }
}

/// The last path segment of a download URL, used when the service sends no `FileName`.
pub(crate) fn name_from_url(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    let segment = parsed.path_segments()?.next_back()?.to_owned();
    Some(segment).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_names() {
        for name in [
            "a.rdb",
            "9527208-4633789-redis-server-4.0.8-1001463-ignore-1-ignore.rdb",
            ".hidden",
            "..rdb",
            "名字.rdb",
        ] {
            assert_eq!(check_file_name(name), Ok(name), "{name}");
        }
    }

    #[test]
    fn rejects_hostile_names() {
        for name in [
            "",
            ".",
            "..",
            "../x",
            "x/../../y",
            "/etc/passwd",
            "\\\\server\\share",
            "C:\\x",
            "C:x",
            "a\0b",
            "a\nb",
            "x.rdb.part",
            &"a".repeat(256),
        ] {
            assert!(check_file_name(name).is_err(), "{name:?}");
        }
    }

    #[test]
    fn names_from_urls() {
        assert_eq!(
            name_from_url("https://h/a/b/c.rdb?sign=x").as_deref(),
            Some("c.rdb")
        );
        assert_eq!(name_from_url("https://h/").as_deref(), None);
        assert_eq!(name_from_url("not a url"), None);
    }
}
