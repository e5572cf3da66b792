//! The billing alarm and the budget.
//!
//! Where their us-east-1 stack lives: see "Billing" in the docs of [`crate::monitoring`].

use stackwright_cfn::budgets;
use stackwright_core::{Construct, Diagnostic, Environment, Region, Resource, Result, Stack};

use super::cloudwatch::{alarm_topic, metric_alarm};
use super::props::MonitoringProps;

/// Where the billing resources go, decided before anything is created.
pub(crate) enum Placement {
    Stack(Stack),
    NewStackIn(Environment),
    NewEnvironment { id: String, production: bool },
}

fn stack_id(cluster: &str) -> String {
    format!("billing-{cluster}")
}

/// Decides where the billing alarm and budget go, or says why they cannot go anywhere.
pub(crate) fn place(
    cluster: &impl Construct,
    path: &str,
    props: &MonitoringProps,
) -> Result<Option<Placement>, Diagnostic> {
    if props.billing_alarm_usd.is_none() && props.budget_usd.is_none() {
        return Ok(None);
    }
    let node = cluster.node();
    let Some(env) = node.environment() else {
        return Err(Diagnostic::new(path, "the cluster is in no environment", "create the cluster inside a stack"));
    };
    let account = env.account();
    if let Some(stack) = &props.billing_stack {
        if stack.region() != Region::UsEast1 || stack.account() != account {
            return Err(Diagnostic::new(
                path,
                format!(
                    "the billing alarm cannot be placed in stack '{}' ({} in {}): AWS/Billing metrics exist only in us-east-1, and the alarm must be in the cluster's account {account}",
                    stack.node().path(),
                    stack.account(),
                    stack.region()
                ),
                "pass a stack of an environment in us-east-1 with the cluster's account, or leave billing_stack unset to let Monitoring add one",
            ));
        }
        return Ok(Some(Placement::Stack(stack.clone())));
    }
    if env.region() == Region::UsEast1 {
        return Ok(Some(Placement::NewStackIn(env)));
    }
    let app = node.app();
    let environments = app.environments();
    if let Some(found) = environments.iter().find(|e| e.region() == Region::UsEast1 && e.account() == account) {
        return Ok(Some(Placement::NewStackIn(found.clone())));
    }
    let id = format!("{}-us-east-1", env.id());
    if let Some(taken) = environments.iter().find(|e| e.id() == id) {
        return Err(Diagnostic::new(
            path,
            format!(
                "the billing alarm needs an environment in us-east-1 of account {account}, and the id '{id}' it would use is taken by an environment of {} in {}",
                taken.account(),
                taken.region()
            ),
            "create an environment in us-east-1 of the cluster's account and pass one of its stacks as billing_stack",
        ));
    }
    Ok(Some(Placement::NewEnvironment { id, production: env.is_production() }))
}

/// Creates the billing stack's resources; returns the stack.
pub(crate) fn add(
    cluster: &impl Construct,
    cluster_name: &str,
    placement: Placement,
    props: &MonitoringProps,
) -> Result<Stack> {
    let stack = match placement {
        Placement::Stack(stack) => stack,
        Placement::NewStackIn(env) => env.stack(&stack_id(cluster_name)),
        Placement::NewEnvironment { id, production } => {
            let node = cluster.node();
            let account = node.environment().map(|e| e.account()).ok_or_else(|| {
                Diagnostic::new(node.path(), "the cluster is in no environment", "create the cluster inside a stack")
            })?;
            let env = node.app().environment(&id, account, Region::UsEast1);
            if production {
                env.mark_production();
            }
            env.stack(&stack_id(cluster_name))
        }
    };
    stack.set_description(&format!(
        "Billing alarm and budget of {cluster_name} (AWS/Billing metrics exist only in us-east-1)"
    ));
    let (_key, topic) = alarm_topic(
        &stack,
        &format!("billing alarms of {cluster_name}"),
        &[("cloudwatch.amazonaws.com", "CloudWatch"), ("budgets.amazonaws.com", "Budgets")],
        Vec::new(),
        props.alert_email.as_deref(),
    )?;
    let topic_arn = topic.reference();
    if let Some(usd) = props.billing_alarm_usd {
        metric_alarm(
            &stack,
            "EstimatedChargesAlarm",
            &format!("{cluster_name}-estimated-charges"),
            &format!(
                "The account's estimated charges for the month reached {usd} USD. Needs 'Receive Billing Alerts' on in the account's billing preferences."
            ),
            "AWS/Billing",
            "EstimatedCharges",
            &[("Currency", "USD")],
            "Maximum",
            21600,
            1,
            f64::from(usd),
            &topic_arn,
        )?;
    }
    if let Some(usd) = props.budget_usd {
        let subscribers = |threshold: f64, kind: &str| {
            let mut s = vec![budgets::budget::Subscriber::new(topic.reference(), "SNS")];
            if let Some(email) = &props.alert_email {
                s.push(budgets::budget::Subscriber::new(email.as_str(), "EMAIL"));
            }
            budgets::budget::NotificationWithSubscribers::new(
                budgets::budget::Notification::new("GREATER_THAN", kind, threshold).with_threshold_type("PERCENTAGE"),
                s,
            )
        };
        Resource::new(
            &stack,
            "MonthlyBudget",
            budgets::Budget::new(
                budgets::budget::BudgetData::new("COST", "MONTHLY")
                    .with_budget_limit(budgets::budget::Spend::new(f64::from(usd), "USD")),
            )
            .with_notifications_with_subscribers([subscribers(80.0, "ACTUAL"), subscribers(100.0, "FORECASTED")]),
        )?;
    }
    Ok(stack)
}
