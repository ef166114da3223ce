use std::sync::Arc;
use time::OffsetDateTime;

/// The source of "now", injected so every date rule can be tested at any date.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> OffsetDateTime + Send + Sync>);

impl Clock {
    pub fn system() -> Self {
        Clock(Arc::new(OffsetDateTime::now_utc))
    }

    pub fn fixed(at: OffsetDateTime) -> Self {
        Clock(Arc::new(move || at))
    }

    /// A clock that reads whatever the function returns (tests move time forward with it).
    pub fn from_fn(f: impl Fn() -> OffsetDateTime + Send + Sync + 'static) -> Self {
        Clock(Arc::new(f))
    }

    pub fn now(&self) -> OffsetDateTime {
        (self.0)()
    }

    pub fn today(&self) -> time::Date {
        self.now().date()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}
