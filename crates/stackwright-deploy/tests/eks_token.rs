//! Known-answer test: the EKS token equals botocore's for fixed credentials and time.
//! The expected values in fixtures/eks_token.json were computed by fixtures/eks_token_fixture.py.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use stackwright_deploy::eks;

fn parse_time(s: &str) -> SystemTime {
    // "YYYY-MM-DDTHH:MM:SSZ" → seconds since the epoch (civil-from-days, proleptic Gregorian).
    let n = |a: usize, b: usize| s[a..b].parse::<i64>().unwrap();
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    let (hh, mm, ss) = (n(11, 13), n(14, 16), n(17, 19));
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    UNIX_EPOCH + Duration::from_secs((days * 86400 + hh * 3600 + mm * 60 + ss) as u64)
}

#[test]
fn token_matches_botocore() {
    let fixture: serde_json::Value = serde_json::from_str(include_str!("fixtures/eks_token.json")).unwrap();
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() >= 2);
    for case in cases {
        let s = |k: &str| case[k].as_str().unwrap().to_string();
        let creds = Credentials::new(
            s("access_key"),
            s("secret_key"),
            case["session_token"].as_str().map(str::to_string),
            None,
            "fixture",
        );
        let time = parse_time(&s("time"));
        let url = eks::presigned_url(&creds, &s("region"), &s("cluster"), time).unwrap();
        assert_eq!(url, s("presigned_url"), "presigned URL of {}", s("cluster"));
        let token = eks::token(&creds, &s("region"), &s("cluster"), time).unwrap();
        assert_eq!(token, s("token"), "token of {}", s("cluster"));
        assert!(token.starts_with("k8s-aws-v1."));
        assert!(!token.contains('='), "no padding");
    }
}
