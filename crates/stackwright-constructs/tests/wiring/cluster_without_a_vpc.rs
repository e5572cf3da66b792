// A cluster's network is a Vpc; a repository is not one.
use stackwright_constructs::{EcrRepo, EcrRepoProps, EksClusterProps, KubernetesVersion};
use stackwright_core::{Account, App, Region};

fn main() {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let repo = EcrRepo::new(&prod.stack("registry"), "FlaskApp", EcrRepoProps::default()).unwrap();
    let _ = EksClusterProps::new(&repo, KubernetesVersion::V1_36);
}
