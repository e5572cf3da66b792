//! The registry schemas of the generated resource types, shipped in the crate (`schemas/`, the
//! files codegen reads) so that an override's property path is checked at synth without the
//! AWS SDK. A schema is parsed only when an override of its type is checked: a program with
//! no override pays nothing but the binary's size.

/// The registry schema (JSON text) of `type_name`, when it is one of the generated types.
pub(crate) fn schema_text(type_name: &str) -> Option<&'static str> {
    Some(match type_name {
        "AWS::Budgets::Budget" => include_str!("../schemas/aws-budgets-budget.json"),
        "AWS::CloudWatch::Alarm" => include_str!("../schemas/aws-cloudwatch-alarm.json"),
        "AWS::CloudWatch::Dashboard" => include_str!("../schemas/aws-cloudwatch-dashboard.json"),
        "AWS::EC2::EIP" => include_str!("../schemas/aws-ec2-eip.json"),
        "AWS::EC2::FlowLog" => include_str!("../schemas/aws-ec2-flowlog.json"),
        "AWS::EC2::InternetGateway" => include_str!("../schemas/aws-ec2-internetgateway.json"),
        "AWS::EC2::LaunchTemplate" => include_str!("../schemas/aws-ec2-launchtemplate.json"),
        "AWS::EC2::NatGateway" => include_str!("../schemas/aws-ec2-natgateway.json"),
        "AWS::EC2::Route" => include_str!("../schemas/aws-ec2-route.json"),
        "AWS::EC2::RouteTable" => include_str!("../schemas/aws-ec2-routetable.json"),
        "AWS::EC2::SecurityGroup" => include_str!("../schemas/aws-ec2-securitygroup.json"),
        "AWS::EC2::SecurityGroupEgress" => include_str!("../schemas/aws-ec2-securitygroupegress.json"),
        "AWS::EC2::SecurityGroupIngress" => include_str!("../schemas/aws-ec2-securitygroupingress.json"),
        "AWS::EC2::Subnet" => include_str!("../schemas/aws-ec2-subnet.json"),
        "AWS::EC2::SubnetRouteTableAssociation" => include_str!("../schemas/aws-ec2-subnetroutetableassociation.json"),
        "AWS::EC2::VPC" => include_str!("../schemas/aws-ec2-vpc.json"),
        "AWS::EC2::VPCEndpoint" => include_str!("../schemas/aws-ec2-vpcendpoint.json"),
        "AWS::EC2::VPCGatewayAttachment" => include_str!("../schemas/aws-ec2-vpcgatewayattachment.json"),
        "AWS::ECR::Repository" => include_str!("../schemas/aws-ecr-repository.json"),
        "AWS::EKS::AccessEntry" => include_str!("../schemas/aws-eks-accessentry.json"),
        "AWS::EKS::Addon" => include_str!("../schemas/aws-eks-addon.json"),
        "AWS::EKS::Cluster" => include_str!("../schemas/aws-eks-cluster.json"),
        "AWS::EKS::Nodegroup" => include_str!("../schemas/aws-eks-nodegroup.json"),
        "AWS::EKS::PodIdentityAssociation" => include_str!("../schemas/aws-eks-podidentityassociation.json"),
        "AWS::IAM::InstanceProfile" => include_str!("../schemas/aws-iam-instanceprofile.json"),
        "AWS::IAM::ManagedPolicy" => include_str!("../schemas/aws-iam-managedpolicy.json"),
        "AWS::IAM::OIDCProvider" => include_str!("../schemas/aws-iam-oidcprovider.json"),
        "AWS::IAM::Policy" => include_str!("../schemas/aws-iam-policy.json"),
        "AWS::IAM::Role" => include_str!("../schemas/aws-iam-role.json"),
        "AWS::KMS::Alias" => include_str!("../schemas/aws-kms-alias.json"),
        "AWS::KMS::Key" => include_str!("../schemas/aws-kms-key.json"),
        "AWS::Logs::LogGroup" => include_str!("../schemas/aws-logs-loggroup.json"),
        "AWS::SNS::Subscription" => include_str!("../schemas/aws-sns-subscription.json"),
        "AWS::SNS::Topic" => include_str!("../schemas/aws-sns-topic.json"),
        "AWS::SNS::TopicPolicy" => include_str!("../schemas/aws-sns-topicpolicy.json"),
        "AWS::SSM::Association" => include_str!("../schemas/aws-ssm-association.json"),
        "AWS::SSM::Parameter" => include_str!("../schemas/aws-ssm-parameter.json"),
        "AWS::SecretsManager::Secret" => include_str!("../schemas/aws-secretsmanager-secret.json"),
        _ => return None,
    })
}
