//! A Kubernetes client that renews its EKS token before it expires.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// EKS tokens live about 15 minutes: a client older than this is rebuilt with a new token.
pub const TOKEN_REFRESH: Duration = Duration::from_secs(600);

/// Builds a client with a fresh token.
pub type Renew = Arc<dyn Fn() -> Result<kube::Client> + Send + Sync>;

/// A Kubernetes client that renews itself (a new EKS token) before the token expires.
pub struct Connection {
    current: Mutex<(kube::Client, Instant)>,
    renew: Option<Renew>,
}

impl Connection {
    /// A client used as it is (a token that does not expire, tests).
    #[must_use]
    pub fn fixed(client: kube::Client) -> Connection {
        Connection { current: Mutex::new((client, Instant::now())), renew: None }
    }

    /// A client rebuilt by `renew` every [`TOKEN_REFRESH`].
    ///
    /// # Errors
    ///
    /// What `renew` returns when it cannot build the first client.
    pub fn renewing(renew: Renew) -> Result<Connection> {
        let client = renew()?;
        Ok(Connection { current: Mutex::new((client, Instant::now())), renew: Some(renew) })
    }

    /// The client to use now, rebuilt first when its token is older than [`TOKEN_REFRESH`].
    ///
    /// # Errors
    ///
    /// What `renew` returns when it cannot build a new client.
    pub fn client(&self) -> Result<kube::Client> {
        let mut current = self.current.lock().map_err(|_| Error::usage("internal: poisoned lock"))?;
        if let Some(renew) = &self.renew
            && current.1.elapsed() > TOKEN_REFRESH
        {
            *current = (renew()?, Instant::now());
        }
        Ok(current.0.clone())
    }
}
