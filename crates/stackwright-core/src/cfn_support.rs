//! What CloudFormation supports for existing resources, by resource type, from its
//! documentation (kept here, pure data, so that synth and the runtime's preflight refuse an
//! unsupported operation before anything is sent).
//!
//! - Import: "Resource type support", AWS CloudFormation User Guide,
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import-supported-resources.html>
//!   (read 2026-12-07). The table lists every importable public type; a type absent from it
//!   cannot be imported. [`IMPORTABLE`] holds the types of the table that stackwright ships a
//!   registry schema for (the identifier of an import is checked against the schema's
//!   `primaryIdentifier`, so only those can be imported with a checked identifier);
//!   [`NOT_IMPORTABLE`] the types stackwright ships that the table does not list.
//! - Stack refactoring: "Stack refactoring — Resource limitations", AWS CloudFormation User
//!   Guide,
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-refactoring.html#stack-refactoring-resource-limitations>
//!   (read 2026-12-07): [`NOT_REFACTORABLE`], the documented list of types refactoring does not
//!   support (it also requires a `FULLY_MUTABLE` provisioning type, which CloudFormation
//!   checks when the refactor is created).

/// Types stackwright ships a schema for that the import table lists as importable.
pub const IMPORTABLE: &[&str] = &[
    "AWS::CloudWatch::Alarm",
    "AWS::CloudWatch::Dashboard",
    "AWS::EC2::EIP",
    "AWS::EC2::FlowLog",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::LaunchTemplate",
    "AWS::EC2::NatGateway",
    "AWS::EC2::Route",
    "AWS::EC2::RouteTable",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::Subnet",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::VPC",
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::ECR::Repository",
    "AWS::EKS::AccessEntry",
    "AWS::EKS::Addon",
    "AWS::EKS::Cluster",
    "AWS::EKS::Nodegroup",
    "AWS::EKS::PodIdentityAssociation",
    "AWS::IAM::InstanceProfile",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::OIDCProvider",
    "AWS::IAM::Role",
    "AWS::KMS::Alias",
    "AWS::KMS::Key",
    "AWS::Logs::LogGroup",
    "AWS::SNS::Subscription",
    "AWS::SNS::Topic",
    "AWS::SSM::Association",
    "AWS::SSM::Parameter",
    "AWS::SecretsManager::Secret",
];

/// Types stackwright ships a schema for that the import table does not list: CloudFormation
/// cannot import them.
pub const NOT_IMPORTABLE: &[&str] = &["AWS::Budgets::Budget", "AWS::IAM::Policy", "AWS::SNS::TopicPolicy"];

/// Whether a resource of `type_name` can be imported: `Ok` for a type of [`IMPORTABLE`],
/// otherwise why not.
///
/// # Errors
/// The reason, as a sentence: the type is not importable, or not one stackwright can check.
pub fn check_importable(type_name: &str) -> Result<(), String> {
    if IMPORTABLE.contains(&type_name) {
        Ok(())
    } else if NOT_IMPORTABLE.contains(&type_name) {
        Err(format!("CloudFormation cannot import {type_name} (it is not in the documented list of importable types)"))
    } else {
        Err(format!(
            "{type_name} is not a type stackwright can import: it ships no registry schema for it to check the \
             identifier against"
        ))
    }
}

/// The documented types stack refactoring does not support.
pub const NOT_REFACTORABLE: &[&str] = &[
    "AWS::ACMPCA::Certificate",
    "AWS::ACMPCA::CertificateAuthority",
    "AWS::ACMPCA::CertificateAuthorityActivation",
    "AWS::ApiGateway::BasePathMapping",
    "AWS::ApiGateway::Method",
    "AWS::AppConfig::ConfigurationProfile",
    "AWS::AppConfig::Deployment",
    "AWS::AppConfig::Environment",
    "AWS::AppConfig::Extension",
    "AWS::AppConfig::ExtensionAssociation",
    "AWS::AppStream::DirectoryConfig",
    "AWS::AppStream::StackFleetAssociation",
    "AWS::AppStream::StackUserAssociation",
    "AWS::AppStream::User",
    "AWS::BackupGateway::Hypervisor",
    "AWS::CertificateManager::Certificate",
    "AWS::CloudFormation::CustomResource",
    "AWS::CloudFormation::Macro",
    "AWS::CloudFormation::WaitCondition",
    "AWS::CloudFormation::WaitConditionHandle",
    "AWS::CodeDeploy::DeploymentGroup",
    "AWS::CodePipeline::CustomActionType",
    "AWS::Cognito::UserPoolRiskConfigurationAttachment",
    "AWS::Cognito::UserPoolUICustomizationAttachment",
    "AWS::Cognito::UserPoolUserToGroupAttachment",
    "AWS::Config::ConfigRule",
    "AWS::Config::ConfigurationRecorder",
    "AWS::Config::DeliveryChannel",
    "AWS::DataBrew::Dataset",
    "AWS::DataBrew::Job",
    "AWS::DataBrew::Project",
    "AWS::DataBrew::Recipe",
    "AWS::DataBrew::Ruleset",
    "AWS::DataBrew::Schedule",
    "AWS::DataZone::DataSource",
    "AWS::DataZone::Environment",
    "AWS::DataZone::EnvironmentBlueprintConfiguration",
    "AWS::DataZone::EnvironmentProfile",
    "AWS::DataZone::Project",
    "AWS::DataZone::SubscriptionTarget",
    "AWS::DirectoryService::MicrosoftAD",
    "AWS::DynamoDB::GlobalTable",
    "AWS::EC2::CustomerGateway",
    "AWS::EC2::EIP",
    "AWS::EC2::LaunchTemplate",
    "AWS::EC2::NetworkInterfacePermission",
    "AWS::EC2::PlacementGroup",
    "AWS::EC2::SpotFleet",
    "AWS::EC2::VPCDHCPOptionsAssociation",
    "AWS::EC2::VolumeAttachment",
    "AWS::EMR::Cluster",
    "AWS::EMR::InstanceFleetConfig",
    "AWS::EMR::InstanceGroupConfig",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::SecurityGroup",
    "AWS::ElastiCache::SecurityGroupIngress",
    "AWS::ElasticBeanstalk::ConfigurationTemplate",
    "AWS::ElasticLoadBalancing::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::ListenerCertificate",
    "AWS::Elasticsearch::Domain",
    "AWS::FIS::ExperimentTemplate",
    "AWS::Glue::Schema",
    "AWS::GuardDuty::IPSet",
    "AWS::GuardDuty::PublishingDestination",
    "AWS::GuardDuty::ThreatIntelSet",
    "AWS::IAM::AccessKey",
    "AWS::IAM::UserToGroupAddition",
    "AWS::ImageBuilder::Component",
    "AWS::IoT::PolicyPrincipalAttachment",
    "AWS::IoT::ThingPrincipalAttachment",
    "AWS::IoTFleetWise::Campaign",
    "AWS::IoTWireless::WirelessDeviceImportTask",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::Lex::BotVersion",
    "AWS::M2::Application",
    "AWS::MSK::Configuration",
    "AWS::MSK::ServerlessCluster",
    "AWS::Maester::DocumentType",
    "AWS::MediaTailor::Channel",
    "AWS::NeptuneGraph::PrivateGraphEndpoint",
    "AWS::Omics::AnnotationStore",
    "AWS::Omics::ReferenceStore",
    "AWS::Omics::SequenceStore",
    "AWS::OpenSearchServerless::Collection",
    "AWS::OpsWorks::App",
    "AWS::OpsWorks::ElasticLoadBalancerAttachment",
    "AWS::OpsWorks::Instance",
    "AWS::OpsWorks::Layer",
    "AWS::OpsWorks::Stack",
    "AWS::OpsWorks::UserProfile",
    "AWS::OpsWorks::Volume",
    "AWS::PCAConnectorAD::Connector",
    "AWS::PCAConnectorAD::DirectoryRegistration",
    "AWS::PCAConnectorAD::Template",
    "AWS::PCAConnectorAD::TemplateGroupAccessControlEntry",
    "AWS::Panorama::PackageVersion",
    "AWS::QuickSight::Theme",
    "AWS::RDS::DBSecurityGroup",
    "AWS::RDS::DBSecurityGroupIngress",
    "AWS::Redshift::ClusterSecurityGroup",
    "AWS::Redshift::ClusterSecurityGroupIngress",
    "AWS::RefactorSpaces::Environment",
    "AWS::RefactorSpaces::Route",
    "AWS::RefactorSpaces::Service",
    "AWS::RoboMaker::RobotApplication",
    "AWS::RoboMaker::SimulationApplication",
    "AWS::Route53::RecordSet",
    "AWS::Route53::RecordSetGroup",
    "AWS::SDB::Domain",
    // Spelled so in the documentation (the type is AWS::SageMaker::InferenceComponent);
    // both spellings are refused.
    "AWS::SageMaker::InferenceComponen",
    "AWS::SageMaker::InferenceComponent",
    "AWS::ServiceCatalog::PortfolioPrincipalAssociation",
    "AWS::ServiceCatalog::PortfolioProductAssociation",
    "AWS::ServiceCatalog::PortfolioShare",
    "AWS::ServiceCatalog::TagOptionAssociation",
    "AWS::ServiceCatalogAppRegistry::AttributeGroupAssociation",
    "AWS::ServiceCatalogAppRegistry::ResourceAssociation",
    "AWS::StepFunctions::StateMachineVersion",
    "AWS::Synthetics::Canary",
    "AWS::VoiceID::Domain",
    "AWS::WAF::ByteMatchSet",
    "AWS::WAF::IPSet",
    "AWS::WAF::Rule",
    "AWS::WAF::SizeConstraintSet",
    "AWS::WAF::SqlInjectionMatchSet",
    "AWS::WAF::WebACL",
    "AWS::WAF::XssMatchSet",
    "AWS::WAFv2::IPSet",
    "AWS::WAFv2::RegexPatternSet",
    "AWS::WAFv2::RuleGroup",
    "AWS::WAFv2::WebACL",
    "AWS::WorkSpaces::Workspace",
];

/// Whether stack refactoring can move a resource of `type_name` to another stack.
#[must_use]
pub fn refactorable(type_name: &str) -> bool {
    !NOT_REFACTORABLE.contains(&type_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_answer_per_type() {
        assert!(check_importable("AWS::EKS::Cluster").is_ok());
        let no = check_importable("AWS::IAM::Policy").unwrap_err();
        assert!(no.contains("cannot import AWS::IAM::Policy"), "{no}");
        let unknown = check_importable("AWS::S3::Bucket").unwrap_err();
        assert!(unknown.contains("ships no registry schema"), "{unknown}");
        assert!(refactorable("AWS::SNS::Topic"));
        assert!(!refactorable("AWS::EC2::EIP") && !refactorable("AWS::Route53::RecordSet"));
        assert!(IMPORTABLE.iter().all(|t| !NOT_IMPORTABLE.contains(t)));
    }
}
