//! The device authorization grant (RFC 8628): for when no browser can reach this computer's loopback
//! (a locked-down desktop, a remote session). The user opens the provider's page anywhere and types a
//! short code; Casedesk polls the token endpoint at the interval the provider asks for.

use serde::Serialize;
use std::time::Duration;
use tokio::sync::Notify;

use super::{token_error, Endpoints, Granted};
use crate::error::{Error, Result};

/// What the user must do: open `verification_uri` and type `user_code`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceStart {
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in_secs: u64,
}

/// A started device sign-in.
pub struct DeviceSignIn {
    details: oauth2::StandardDeviceAuthorizationResponse,
    endpoints: Endpoints,
}

/// Asks the provider for a device code. An error when the provider has no device endpoint.
pub async fn begin(
    endpoints: &Endpoints,
    http: &reqwest::Client,
) -> Result<(DeviceStart, DeviceSignIn)> {
    if endpoints.device_url.is_none() {
        return Err(Error::field(
            endpoints.field,
            crate::Code::OauthConfigInvalid,
            "This provider does not offer signing in with a code; use “Sign in”.",
        ));
    }
    let details: oauth2::StandardDeviceAuthorizationResponse = endpoints
        .client()
        .exchange_device_code()
        .map_err(|e| Error::invalid(crate::Code::OauthConfigInvalid, e.to_string()))?
        .add_scopes(endpoints.scopes())
        .request_async(http)
        .await
        .map_err(|e| Error::from(token_error(e, endpoints.again)))?;
    let start = DeviceStart {
        user_code: details.user_code().secret().clone(),
        verification_uri: details.verification_uri().to_string(),
        expires_in_secs: details.expires_in().as_secs(),
    };
    Ok((
        start,
        DeviceSignIn {
            details,
            endpoints: endpoints.clone(),
        },
    ))
}

impl DeviceSignIn {
    /// Polls until the user approved (or denied, or the code expired), or `cancel` is notified.
    pub async fn finish(self, cancel: &Notify, http: &reqwest::Client) -> Result<Granted> {
        let client = self.endpoints.client();
        let poll = client
            .exchange_device_access_token(&self.details)
            .request_async(http, tokio::time::sleep, Some(Duration::from_secs(900)));
        tokio::select! {
            r = poll => match r {
                Ok(t) => Ok(Granted::from_response(&t)),
                Err(oauth2::RequestTokenError::ServerResponse(r)) => {
                    use oauth2::DeviceCodeErrorResponseType as T;
                    let (code, msg) = match r.error() {
                        T::AccessDenied => (crate::Code::OauthDenied, "The sign-in was declined."),
                        T::ExpiredToken => (crate::Code::OauthTimeout, "The code expired before it was used. Try again."),
                        _ => (crate::Code::OauthConfigInvalid, "The provider refused the sign-in."),
                    };
                    Err(Error::field(self.endpoints.field, code, msg))
                }
                Err(oauth2::RequestTokenError::Request(e)) => Err(Error::invalid(
                    crate::Code::RemoteUnreachable,
                    format!("The sign-in server could not be reached ({}).", super::clean(&e.to_string())),
                )),
                Err(_) => Err(Error::invalid(crate::Code::RemoteMalformed, "The sign-in server's answer could not be read.")),
            },
            _ = cancel.notified() => Err(Error::field(self.endpoints.field, crate::Code::OauthCancelled, "Signing in was cancelled.")),
        }
    }
}
