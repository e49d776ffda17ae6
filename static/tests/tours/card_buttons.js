/**
 * Every button of every dashboard card and card menu, clicked by a Tracking user on the
 * demo's four backends pointed at a sandbox (tests/test_ui_buttons.py), each followed by
 * what the screen shows: the run's notification, the card's new figures and state, the
 * list or form the button opens. "Import a process" on the Trackline card only opens its
 * dialog here: the import itself is tour tracking_connector_card_import.
 */
import { registry } from "@web/core/registry";
import { card, cardMenu, clickAndRead, notification, notified, opensAndBack } from "./tour_steps";

const TO = "TrackOnline (sandbox)";
const OC = "Business Network (sandbox)";
const TL = "Trackline (sandbox)";
const SAGE = "Sage 50 (sandbox)";
const DASHBOARD = ".o_tracking_dashboard .o_kanban_record";

/** The card's Runs and Settings buttons, its title, and its three figures. */
function cardLinks(name, records) {
    return [
        ...opensAndBack(`${name}: Runs`, `${card(name)} footer button[name='action_view_sync_logs']`,
            "Sync Runs", `.o_list_view .o_data_row:contains('${name}')`, DASHBOARD),
        ...opensAndBack(`${name}: Settings`, `${card(name)} footer button[name='action_open_backend']`,
            name, ".o_form_view .o_form_statusbar button[name='action_test_connection']", DASHBOARD),
        ...opensAndBack(`${name}: the card's title`, `${card(name)} a.fw-bold[name='action_open_backend']`,
            name, ".o_form_view .o_form_statusbar", DASHBOARD),
        ...opensAndBack(`${name}: the records figure`, `${card(name)} a.o_tracking_records`,
            `${name}: ${records}`, ".o_list_view", DASHBOARD),
        ...opensAndBack(`${name}: the API calls figure`, `${card(name)} a.o_tracking_calls`,
            `${name}: runs of today`, `.o_list_view .o_data_row:contains('${name}')`, DASHBOARD),
    ];
}

registry.category("web_tour.tours").add("tracking_connector_card_buttons", {
    steps: () => [
        {
            content: "Four cards, nothing synced yet",
            trigger: `${card(TO)}:contains('No run yet') .o_tracking_figure:contains(/^\\s*0\\s*$/)`,
        },
        // TrackOnline: its footer button, then each item of its menu.
        ...clickAndRead("TrackOnline: Sync transactions",
            `${card(TO)} footer button[name='action_sync_transactions']`,
            { title: "TrackOnline transactions", text: "30 created" }),
        {
            content: "The card counts the 30 transactions and says it is connected",
            trigger: `${card(TO)}:contains('Connected') .o_tracking_figure:contains(/^\\s*30\\s*$/)`,
        },
        {
            content: "Its recent activity: today's bar, no failure, the API calls against the budget",
            trigger: `${card(TO)}:has(.o_tracking_activity:contains('30 records saved, 0 failed runs') .o_tracking_day:last-child .o_tracking_bar_records):not(:has(.o_tracking_bar_failed)):has(.o_tracking_budget .progress-bar)`,
        },
        ...cardMenu(TO, "Sync locations"),
        ...notified("TrackOnline: Sync locations",
            { title: "TrackOnline locations", text: "12 updated" }),
        { trigger: `${card(TO)}:contains('sync locations')` },
        ...cardMenu(TO, "Sync item definitions"),
        ...notified("TrackOnline: Sync item definitions",
            { title: "TrackOnline item definitions", text: "6 updated" }),
        { trigger: `${card(TO)}:contains('sync item definitions')` },
        ...cardMenu(TO, "Sync balances"),
        ...notified("TrackOnline: Sync balances",
            { title: "TrackOnline balances", text: "65 created" }),
        { trigger: `${card(TO)}:contains('sync balances')` },
        ...cardMenu(TO, "Fetch save results"),
        ...notified("TrackOnline: Fetch save results",
            { title: "TrackOnline save results", text: "0 failed" }),
        ...cardMenu(TO, "Test connection"),
        ...notified("TrackOnline: Test connection",
            { title: "Connection works", text: "answered with the API key" }),
        {
            content: "A connection test is no sync: the card still names the last sync",
            trigger: `${card(TO)}:contains('Connected'):not(:contains('test connection'))`,
        },
        {
            content: "A Tracking user is not offered the Sage 50 key rotation",
            ...cardMenu(SAGE, "")[0],
        },
        {
            trigger: ".o-dropdown--menu:has(.dropdown-item:contains('Settings')):not(:has(.dropdown-item:contains('Rotate API key')))",
        },
        ...cardMenu(TO, "Settings").slice(0, 1),
        ...opensAndBack("TrackOnline: the menu's Settings",
            ".o-dropdown--menu .dropdown-item:contains('Settings')", TO,
            ".o_form_view button[name='action_sync_transactions']", DASHBOARD),
        ...cardLinks(TO, "Transactions"),
        ...opensAndBack("TrackOnline: the open errors figure", `${card(TO)} a.o_tracking_errors`,
            `${TO}: failed runs`, ".o_list_view", DASHBOARD),

        // OpusCapita.
        ...clickAndRead("OpusCapita: Sync events",
            `${card(OC)} footer button[name='action_sync_events']`,
            { title: "OpusCapita events", text: "60 created" }),
        {
            content: "The card counts the 60 events and the 5 that need attention, in red",
            trigger: `${card(OC)}:has(.o_tracking_figure:contains(/^\\s*60\\s*$/)) .o_tracking_errors .text-danger:contains(/^\\s*5\\s*$/)`,
        },
        ...clickAndRead("OpusCapita: Test connection",
            `${card(OC)} footer button[name='action_test_connection']`,
            { title: "Connection works", text: "Token and data call work" }),
        ...opensAndBack("OpusCapita: the open errors' source", `${card(OC)} .o_tracking_error_source`,
            "needing attention", ".o_list_view .o_data_row", DASHBOARD),
        ...opensAndBack("OpusCapita: the open errors figure", `${card(OC)} a.o_tracking_errors`,
            "needing attention", ".o_list_view .o_data_row", DASHBOARD),
        ...cardMenu(OC, "Settings").slice(0, 1),
        ...opensAndBack("OpusCapita: the menu's Settings",
            ".o-dropdown--menu .dropdown-item:contains('Settings')", OC,
            ".o_form_view button[name='action_sync_events']", DASHBOARD),
        ...cardLinks(OC, "Events"),

        // Trackline.
        ...clickAndRead("Trackline: Test connection",
            `${card(TL)} footer button[name='action_test_connection']`,
            { title: "Connection works", text: "Logged in to Trackline" }),
        { trigger: `${card(TL)}:contains('Connected')` },
        {
            content: "Trackline: Import a process opens its dialog",
            trigger: `${card(TL)} footer button[name='action_open_import_wizard']`,
            run: "click",
        },
        { trigger: ".modal .o_form_view div[name='process_ref'] input" },
        { content: "Closed without importing", trigger: ".modal .btn-close", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        ...cardLinks(TL, "Processes"),

        // Sage 50, not onboarded yet.
        ...clickAndRead("Sage 50: Test connection",
            `${card(SAGE)} footer button[name='action_test_connection']`,
            { title: "Connection failed", text: "finish the onboarding", kind: "danger" }),
        {
            content: "The card's connection badge says Error (the test is no sync: no last run)",
            trigger: `${card(SAGE)} .badge:contains('Error')`,
        },
        {
            content: "A failed connection test is no failed sync: no open error in red",
            trigger: `${card(SAGE)} a.o_tracking_errors:not(:has(.text-danger)):contains(/^\\s*0\\s/)`,
        },
        ...cardLinks(SAGE, "Uploads"),
        {
            content: "Sage 50: Test connection again, its red notification left open",
            trigger: `${card(SAGE)} footer button[name='action_test_connection']`,
            run: "click",
        },
        { trigger: `${notification("Connection failed")}:has(.bg-danger)` },
        {
            content: "Trackline: Test connection",
            trigger: `${card(TL)} footer button[name='action_test_connection']`,
            run: "click",
        },
        {
            content: "Notifications do not pile up over the cards: the last one replaces the red one",
            trigger: `body:has(${notification("Connection works")}):not(:has(${notification("Connection failed")}))`,
        },
        { trigger: `${notification("Connection works")} .o_notification_close`, run: "click" },
        { trigger: "body:not(:has(.o_notification))" },
    ],
});
