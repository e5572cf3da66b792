//! A VPC lookup: the one VPC matching the query, its subnets, and each subnet's tier read from
//! its tags or its route table.

use std::collections::BTreeMap;

use stackwright_core::lookup::{SubnetAnswer, SubnetTier, VpcAnswer, VpcQuery};

use super::ec2::{Ec2, filters};
use super::xml::Element;
use crate::aws::Aws;
use crate::error::{Error, Result};

/// The tags that name a subnet's tier outright: stackwright's own VPCs write the first, CDK's
/// the second (values `Public`, `Private`, `Isolated`).
const TIER_TAGS: [&str; 2] = ["stackwright:subnet-type", "aws-cdk:subnet-type"];

/// Asks EC2 for the VPC of `query` in `region`.
pub(super) async fn look_up(aws: &Aws, region: &str, query: &VpcQuery) -> Result<VpcAnswer> {
    let clients = aws.region(region).await;
    let credentials = aws.credentials(region).await?;
    let ec2 = Ec2::new(clients.endpoint("ec2"), region.to_string(), credentials, aws.options.attempt_timeout);
    let fail = |message: String| Error::Aws { service: "EC2", operation: "DescribeVpcs", message };
    let mut wanted: Vec<(String, String)> = query.tags.iter().map(|(k, v)| (format!("tag:{k}"), v.clone())).collect();
    if let Some(id) = &query.vpc_id {
        wanted.push(("vpc-id".into(), id.clone()));
    }
    let vpcs = ec2.describe("DescribeVpcs", &filters(&wanted), "vpcSet").await?;
    let vpc = match vpcs.as_slice() {
        [one] => one,
        [] => {
            return Err(fail(format!(
                "no VPC in {region} matches {query}\n  hint: check the tags and the region, or the credentials' account"
            )));
        }
        several => {
            let ids: Vec<&str> = several.iter().map(|v| v.text_of("vpcId")).collect();
            return Err(fail(format!(
                "{} VPCs in {region} match {query}: {}\n  hint: narrow the lookup with another tag or VpcLookup::by_id",
                ids.len(),
                ids.join(", ")
            )));
        }
    };
    let vpc_id = vpc.text_of("vpcId").to_string();
    let in_vpc = filters(&[("vpc-id".into(), vpc_id.clone())]);
    let subnets = ec2.describe("DescribeSubnets", &in_vpc, "subnetSet").await?;
    let tables = ec2.describe("DescribeRouteTables", &in_vpc, "routeTableSet").await?;
    let mut answers: Vec<SubnetAnswer> = Vec::new();
    let mut tagged = true;
    for subnet in &subnets {
        let id = subnet.text_of("subnetId").to_string();
        let table = route_table_of(&tables, &id).ok_or_else(|| {
            fail(format!("subnet {id} of {vpc_id} has no route table, and the VPC no main route table"))
        })?;
        let tags = subnet.tags();
        let tier = tier(&tags, table);
        tagged &= match tier {
            SubnetTier::Public => tags.get("kubernetes.io/role/elb").is_some_and(|v| v == "1"),
            SubnetTier::Private => tags.get("kubernetes.io/role/internal-elb").is_some_and(|v| v == "1"),
            SubnetTier::Isolated => true,
        };
        answers.push(SubnetAnswer {
            tier,
            availability_zone: subnet.text_of("availabilityZone").to_string(),
            subnet_id: id,
            cidr: subnet.text_of("cidrBlock").to_string(),
            route_table_id: table.text_of("routeTableId").to_string(),
        });
    }
    answers.sort_by(|a, b| {
        (a.tier, &a.availability_zone, &a.subnet_id).cmp(&(b.tier, &b.availability_zone, &b.subnet_id))
    });
    let has_load_balancer_tiers = answers.iter().any(|s| s.tier != SubnetTier::Isolated);
    Ok(VpcAnswer {
        vpc_id,
        cidr: vpc.text_of("cidrBlock").to_string(),
        subnets: answers,
        load_balancer_tags: tagged && has_load_balancer_tiers,
    })
}

/// The route table associated with `subnet_id`, else the VPC's main one (as EC2 routes it).
fn route_table_of<'a>(tables: &'a [Element], subnet_id: &str) -> Option<&'a Element> {
    let associated = |t: &&Element| t.items("associationSet").any(|a| a.text_of("subnetId") == subnet_id);
    let main = |t: &&Element| t.items("associationSet").any(|a| a.text_of("main") == "true");
    tables.iter().find(associated).or_else(|| tables.iter().find(main))
}

/// The subnet's tier: its tier tag when it has one, else its route table's routes (an internet
/// gateway: public; NAT, transit gateway, instance or network interface: private; nothing
/// out of the VPC: isolated).
pub(super) fn tier(tags: &BTreeMap<String, String>, table: &Element) -> SubnetTier {
    for key in TIER_TAGS {
        match tags.get(key).map(|v| v.to_ascii_lowercase()).as_deref() {
            Some("public") => return SubnetTier::Public,
            Some("private") => return SubnetTier::Private,
            Some("isolated") => return SubnetTier::Isolated,
            _ => {}
        }
    }
    let routes: Vec<&Element> = table.items("routeSet").filter(|r| r.text_of("state") != "blackhole").collect();
    if routes.iter().any(|r| r.text_of("gatewayId").starts_with("igw-")) {
        return SubnetTier::Public;
    }
    let out = ["natGatewayId", "transitGatewayId", "instanceId", "networkInterfaceId"];
    if routes.iter().any(|r| out.iter().any(|target| !r.text_of(target).is_empty())) {
        SubnetTier::Private
    } else {
        SubnetTier::Isolated
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lookup::xml::parse;

    fn table(routes: &str) -> Element {
        parse(&format!("<item><routeTableId>rtb-1</routeTableId><routeSet>{routes}</routeSet></item>")).unwrap()
    }

    #[test]
    fn tiers_come_from_the_tag_else_from_the_routes() {
        let local = "<item><destinationCidrBlock>10.0.0.0/16</destinationCidrBlock><gatewayId>local</gatewayId></item>";
        let igw = "<item><destinationCidrBlock>0.0.0.0/0</destinationCidrBlock><gatewayId>igw-1</gatewayId></item>";
        let nat =
            "<item><destinationCidrBlock>0.0.0.0/0</destinationCidrBlock><natGatewayId>nat-1</natGatewayId></item>";
        let dead = "<item><gatewayId>igw-1</gatewayId><state>blackhole</state></item>";
        let none = BTreeMap::new();
        assert_eq!(tier(&none, &table(&format!("{local}{igw}"))), SubnetTier::Public);
        assert_eq!(tier(&none, &table(&format!("{local}{nat}"))), SubnetTier::Private);
        assert_eq!(tier(&none, &table(local)), SubnetTier::Isolated);
        assert_eq!(
            tier(&none, &table(&format!("{local}{dead}"))),
            SubnetTier::Isolated,
            "a blackhole route goes nowhere"
        );
        let cdk = BTreeMap::from([("aws-cdk:subnet-type".to_string(), "Isolated".to_string())]);
        assert_eq!(tier(&cdk, &table(igw)), SubnetTier::Isolated, "the tag wins");
    }
}
