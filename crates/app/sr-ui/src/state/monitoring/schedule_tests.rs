//! The schedule form as data: settings in and out, what runs now in
//! words, and the commands Save sends.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use sr_engine::{Command, ConnectionMonitoring, Event, MonitoringCommand, MonitoringEvent};

use super::*;
use crate::state::{Load, Persisted, UiState};

fn off() -> ConnectionMonitoring {
    ConnectionMonitoring::off()
}

#[test]
fn checks_keep_their_interval_while_off() {
    let mut form = ScheduleForm::new(&off());
    assert!(!form.drift.on && !form.health.on && !form.perf.on);
    assert_eq!(form.settings(), off());
    // Turned on, a check offers the default interval.
    form.drift.on = true;
    assert_eq!(form.settings().drift_minutes, 15);
    form.drift.minutes = 0;
    assert_eq!(form.settings().drift_minutes, 1, "at least a minute");
    form.drift.minutes = 1_000_000;
    assert_eq!(form.settings().drift_minutes, MAX_MINUTES);
    form.drift.minutes = 30;
    form.drift.on = false;
    assert_eq!(form.settings().drift_minutes, 0);
    form.drift.on = true;
    assert_eq!(form.settings().drift_minutes, 30);
    form.backup_file = " /backups/shop.done ".into();
    assert_eq!(
        form.settings().backup_file,
        Some("/backups/shop.done".into())
    );
    let demo = ConnectionMonitoring::default();
    assert_eq!(ScheduleForm::new(&demo).settings(), demo);
}

#[test]
fn the_summary_says_what_runs_and_what_it_waits_for() {
    let check = |settings: ConnectionMonitoring, baseline: bool, expected: &str| {
        let at = baseline.then(chrono::Utc::now);
        assert_eq!(schedule_summary(&settings, at), expected);
    };
    check(
        off(),
        false,
        "Nothing runs on this connection: turn a check on and save.",
    );
    check(
        ConnectionMonitoring::default(),
        true,
        "Running now: drift check every 15 min, health checks every 5 min, tracked queries every 60 min.",
    );
    check(
        ConnectionMonitoring {
            drift_minutes: 1,
            ..off()
        },
        false,
        "Running now: drift check every minute. The drift check waits for a baseline: press Save baseline.",
    );
}

#[test]
fn saving_sends_the_form_and_the_answer_is_what_runs() {
    let mut s = UiState::new(Persisted::default());
    s.take_commands();
    s.jobs.clear();
    s.load_schedule("shop");
    s.apply(Event::Monitoring(MonitoringEvent::Settings {
        connection: "shop".into(),
        settings: off(),
        baseline_saved: None,
    }));
    assert!(!s.schedule_changed("shop"));
    if let Some(form) = s
        .monitoring
        .connections
        .get_mut("shop")
        .and_then(|m| m.schedule.as_mut())
    {
        form.drift.on = true;
        form.drift.minutes = 2;
    }
    assert!(s.schedule_changed("shop"));
    s.take_commands();
    s.save_schedule("shop");
    let sent = s.take_commands();
    let want = ConnectionMonitoring {
        drift_minutes: 2,
        ..off()
    };
    assert!(
        matches!(
            &sent[..],
            [Command::Monitoring(MonitoringCommand::SaveSettings { connection, settings })]
                if connection == "shop" && *settings == want
        ),
        "{sent:?}"
    );
    s.apply(Event::Monitoring(MonitoringEvent::Settings {
        connection: "shop".into(),
        settings: want.clone(),
        baseline_saved: None,
    }));
    let m = s.monitoring.of("shop").unwrap();
    assert_eq!(m.settings, Load::Ready(want));
    assert!(!s.schedule_changed("shop"));
    assert!(s.jobs.is_empty());
    // A saved baseline is remembered for the summary.
    s.apply(Event::Monitoring(MonitoringEvent::BaselineSaved {
        connection: "shop".into(),
        path: "/data/baselines/shop.json".into(),
        tables: 2,
    }));
    assert!(s.monitoring.of("shop").unwrap().baseline_saved.is_some());
    // A failed save leaves the form and says why.
    s.save_schedule("shop");
    s.fail_job(
        "Save the monitoring settings of shop".into(),
        "monitoring.json: permission denied".into(),
    );
    let m = s.monitoring.of("shop").unwrap();
    assert!(
        m.schedule_error
            .as_deref()
            .is_some_and(|e| e.contains("permission"))
    );
    assert!(
        matches!(m.settings, Load::Ready(_)),
        "what runs is still known"
    );
    assert!(m.schedule.is_some());
}

#[test]
fn settings_changed_elsewhere_follow_unless_edited_here() {
    let mut s = UiState::new(Persisted::default());
    s.take_commands();
    let arrive = |s: &mut UiState, settings: ConnectionMonitoring| {
        s.apply(Event::Monitoring(MonitoringEvent::Settings {
            connection: "shop".into(),
            settings,
            baseline_saved: None,
        }));
    };
    arrive(&mut s, off());
    // Another process turned health checks on: the form follows.
    let health = ConnectionMonitoring {
        health_minutes: 5,
        ..off()
    };
    arrive(&mut s, health.clone());
    let form = |s: &UiState| {
        s.monitoring
            .of("shop")
            .and_then(|m| m.schedule.clone())
            .unwrap()
    };
    assert!(form(&s).health.on);
    // An edit not saved yet stays when the file changes again.
    if let Some(f) = s
        .monitoring
        .connections
        .get_mut("shop")
        .and_then(|m| m.schedule.as_mut())
    {
        f.perf.on = true;
    }
    arrive(&mut s, off());
    assert!(form(&s).perf.on, "the edit stays");
    assert_eq!(
        s.monitoring.of("shop").unwrap().settings,
        Load::Ready(off())
    );
    assert!(s.schedule_changed("shop"));
}
