//! Signed download URLs carry their signature in the query string; logs and errors show only
//! the scheme, host and path.

/// `url` without its query string, fragment and user info: `scheme://host[:port]/path`.
///
/// A value that does not parse as a URL is replaced by a placeholder, so nothing of it leaks.
///
/// ```
/// use tencentcloud_redis::download::redact_url;
///
/// assert_eq!(
///     redact_url("https://bucket.cos.ap-chengdu.myqcloud.com/a/b.rdb?sign=q-signature%3Dabc"),
///     "https://bucket.cos.ap-chengdu.myqcloud.com/a/b.rdb"
/// );
/// assert_eq!(redact_url("not a url ?sign=abc"), "<unparseable URL>");
/// ```
pub fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(parsed) => {
            let mut out = format!("{}://", parsed.scheme());
            if let Some(host) = parsed.host_str() {
                out.push_str(host);
            }
            if let Some(port) = parsed.port() {
                out.push(':');
                out.push_str(&port.to_string());
            }
            out.push_str(parsed.path());
            out
        }
        Err(_) => "<unparseable URL>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_query_fragment_and_user_info() {
        assert_eq!(
            redact_url("http://user:pw@127.0.0.1:8080/x/y.rdb?sign=s&Expires=1#frag"),
            "http://127.0.0.1:8080/x/y.rdb"
        );
        assert_eq!(redact_url("https://h"), "https://h/");
    }
}
