//! The generator's options: choices about the output that are not facts of the API.

/// Choices about the output that are not facts of the API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The name of the crate the binding is compiled into (e.g. `tencentcloud_redis`). When set,
    /// each action's docs carry a `no_run` example that calls it through that crate's `Client`.
    pub crate_name: Option<String>,
}
