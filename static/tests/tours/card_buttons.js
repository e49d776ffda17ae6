/**
 * Every button of every dashboard card and card menu, clicked by a Tracking user on the
 * demo's four backends pointed at a sandbox (tests/test_ui_buttons.py), each followed by
 * what the screen shows: the run's notification, the card's new figures and state, the
 * list or form the button opens. "Import a process" on the Trackline card only opens its
 * dialog here: the import itself is tour tracking_connector_card_import.
 */
import { registry } from "@web/core/registry";
import { card, cardMenu, clickAndRead, inLanguage, notification, notified, opensAndBack } from "./tour_steps";

const TO = "TrackOnline (sandbox)";
const OC = "Business Network (sandbox)";
const TL = "Trackline (sandbox)";
const SAGE = "Sage 50 (sandbox)";
const DASHBOARD = ".o_tracking_dashboard .o_kanban_record";

/**
 * The words the card tours read, in the user's language (English or Spanish): the runs'
 * notifications, the card's states, the lists' breadcrumbs.
 */
function cardWords() {
    return inLanguage({
        en: {
            noRun: "No run yet",
            connected: "Connected",
            error: "Error",
            transactions: "TrackOnline transactions",
            locations: "TrackOnline locations",
            itemDefinitions: "TrackOnline item definitions",
            balances: "TrackOnline balances",
            saveResults: "TrackOnline save results",
            events: "OpusCapita events",
            created: (n) => `${n} created`,
            updated: (n) => `${n} updated`,
            failed: (n) => `${n} failed`,
            syncLocations: "sync locations",
            syncItemDefinitions: "sync item definitions",
            syncBalances: "sync balances",
            testConnection: "test connection",
            today: "records saved: 30, failed runs: 0",
            works: "Connection works",
            notWorks: "Connection failed",
            apiKey: "answered with the API key",
            tokenWorks: "Token and data call work",
            loggedIn: "Logged in to Trackline",
            onboarding: "finish the onboarding",
            runs: "Sync Runs",
            runsOfToday: (name) => `${name}: runs of today`,
            failedRuns: (name) => `${name}: failed runs`,
            attention: "needing attention",
            records: { [TO]: "Transactions", [OC]: "Events", [TL]: "Processes", [SAGE]: "Uploads" },
        },
        es: {
            noRun: "Aún no hay ninguna ejecución",
            connected: "Conectado",
            error: "Error",
            transactions: "TrackOnline: transacciones",
            locations: "TrackOnline: ubicaciones",
            itemDefinitions: "TrackOnline: definiciones de artículo",
            balances: "TrackOnline: saldos",
            saveResults: "Resultados de guardado de TrackOnline",
            events: "Eventos de OpusCapita",
            created: (n) => `creados: ${n}`,
            updated: (n) => `actualizados: ${n}`,
            failed: (n) => `fallidos: ${n}`,
            syncLocations: "sincronizar ubicaciones",
            syncItemDefinitions: "sincronizar definiciones de artículo",
            syncBalances: "sincronizar saldos",
            testConnection: "probar conexión",
            today: "registros guardados: 30, ejecuciones fallidas: 0",
            works: "La conexión funciona",
            notWorks: "La conexión falló",
            apiKey: "respondió con la clave API",
            tokenWorks: "El token y la llamada de datos funcionan",
            loggedIn: "Sesión iniciada en Trackline",
            onboarding: "termine la incorporación",
            runs: "Ejecuciones de sincronización",
            runsOfToday: (name) => `${name}: ejecuciones de hoy`,
            failedRuns: (name) => `${name}: ejecuciones fallidas`,
            attention: "que requieren atención",
            records: { [TO]: "Transacciones", [OC]: "Eventos", [TL]: "Procesos", [SAGE]: "Cargas" },
        },
    });
}

/**
 * The words under the card's figures wrap whole: no word of theirs is split over two lines
 * ("Transacciones" was broken as "Transaccione / s" in Spanish): each word's text lies on
 * one line (one rectangle on the screen).
 */
function wordsWhole(name) {
    return {
        content: `${name}: the words under the figures wrap whole`,
        trigger: `${card(name)} .o_tracking_figures`,
        run() {
            const walker = document.createTreeWalker(this.anchor, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (const word of node.data.matchAll(/\S+/g)) {
                    const range = document.createRange();
                    range.setStart(node, word.index);
                    range.setEnd(node, word.index + word[0].length);
                    if (range.getClientRects().length > 1) {
                        throw new Error(`"${word[0]}" is broken over two lines on the card ${name}`);
                    }
                }
            }
        },
    };
}

/** The card's Runs and Settings buttons, its title, and its three figures. */
function cardLinks(name, words) {
    return [
        ...opensAndBack(`${name}: Runs`, `${card(name)} footer button[name='action_view_sync_logs']`,
            words.runs, `.o_list_view .o_data_row:contains('${name}')`, DASHBOARD),
        ...opensAndBack(`${name}: Settings`, `${card(name)} footer button[name='action_open_backend']`,
            name, ".o_form_view .o_form_statusbar button[name='action_test_connection']", DASHBOARD),
        ...opensAndBack(`${name}: the card's title`, `${card(name)} a.fw-bold[name='action_open_backend']`,
            name, ".o_form_view .o_form_statusbar", DASHBOARD),
        ...opensAndBack(`${name}: the records figure`, `${card(name)} a.o_tracking_records`,
            `${name}: ${words.records[name]}`, ".o_list_view", DASHBOARD),
        ...opensAndBack(`${name}: the API calls figure`, `${card(name)} a.o_tracking_calls`,
            words.runsOfToday(name), `.o_list_view .o_data_row:contains('${name}')`, DASHBOARD),
    ];
}

/**
 * Every button of the four cards, as a Tracking user, in English or in Spanish: the
 * elements found by their names and classes, the words read in the user's language.
 */
registry.category("web_tour.tours").add("tracking_connector_card_buttons", {
    steps: () => {
        const words = cardWords();
        return [
            {
                content: "Four cards, nothing synced yet",
                trigger: `${card(TO)}:contains('${words.noRun}') .o_tracking_figure:contains(/^\\s*0\\s*$/)`,
            },
            // TrackOnline: its footer button, then each item of its menu.
            ...clickAndRead("TrackOnline: Sync transactions",
                `${card(TO)} footer button[name='action_sync_transactions']`,
                { title: words.transactions, text: words.created(30) }),
            {
                content: "The card counts the 30 transactions and says it is connected",
                trigger: `${card(TO)}:contains('${words.connected}') .o_tracking_figure:contains(/^\\s*30\\s*$/)`,
            },
            wordsWhole(TO),
            {
                content: "Its recent activity: today's bar, no failure, the API calls against the budget",
                trigger: `${card(TO)}:has(.o_tracking_activity:contains('${words.today}') .o_tracking_day:last-child .o_tracking_bar_records):not(:has(.o_tracking_bar_failed)):has(.o_tracking_budget .progress-bar)`,
            },
            ...cardMenu(TO, "action_sync_locations"),
            ...notified("TrackOnline: Sync locations",
                { title: words.locations, text: words.updated(12) }),
            { trigger: `${card(TO)}:contains('${words.syncLocations}')` },
            ...cardMenu(TO, "action_sync_item_definitions"),
            ...notified("TrackOnline: Sync item definitions",
                { title: words.itemDefinitions, text: words.updated(6) }),
            { trigger: `${card(TO)}:contains('${words.syncItemDefinitions}')` },
            ...cardMenu(TO, "action_sync_balances"),
            ...notified("TrackOnline: Sync balances",
                { title: words.balances, text: words.created(65) }),
            { trigger: `${card(TO)}:contains('${words.syncBalances}')` },
            ...cardMenu(TO, "action_poll_results"),
            ...notified("TrackOnline: Fetch save results",
                { title: words.saveResults, text: words.failed(0) }),
            ...cardMenu(TO, "action_test_connection"),
            ...notified("TrackOnline: Test connection",
                { title: words.works, text: words.apiKey }),
            {
                content: "A connection test is no sync: the card still names the last sync",
                trigger: `${card(TO)}:contains('${words.connected}'):not(:contains('${words.testConnection}'))`,
            },
            {
                content: "A Tracking user is not offered the Sage 50 key rotation",
                ...cardMenu(SAGE, "")[0],
            },
            {
                trigger: ".o-dropdown--menu:has(.dropdown-item[name='action_open_backend']):not(:has(.dropdown-item[name='action_rotate_key']))",
            },
            ...cardMenu(TO, "action_open_backend").slice(0, 1),
            ...opensAndBack("TrackOnline: the menu's Settings",
                ".o-dropdown--menu .dropdown-item[name='action_open_backend']", TO,
                ".o_form_view button[name='action_sync_transactions']", DASHBOARD),
            ...cardLinks(TO, words),
            ...opensAndBack("TrackOnline: the open errors figure", `${card(TO)} a.o_tracking_errors`,
                words.failedRuns(TO), ".o_list_view", DASHBOARD),

            // OpusCapita.
            ...clickAndRead("OpusCapita: Sync events",
                `${card(OC)} footer button[name='action_sync_events']`,
                { title: words.events, text: words.created(60) }),
            {
                content: "The card counts the 60 events and the 5 that need attention, in red",
                trigger: `${card(OC)}:has(.o_tracking_figure:contains(/^\\s*60\\s*$/)) .o_tracking_errors .text-danger:contains(/^\\s*5\\s*$/)`,
            },
            ...clickAndRead("OpusCapita: Test connection",
                `${card(OC)} footer button[name='action_test_connection']`,
                { title: words.works, text: words.tokenWorks }),
            ...opensAndBack("OpusCapita: the open errors' source", `${card(OC)} .o_tracking_error_source`,
                words.attention, ".o_list_view .o_data_row", DASHBOARD),
            ...opensAndBack("OpusCapita: the open errors figure", `${card(OC)} a.o_tracking_errors`,
                words.attention, ".o_list_view .o_data_row", DASHBOARD),
            ...cardMenu(OC, "action_open_backend").slice(0, 1),
            ...opensAndBack("OpusCapita: the menu's Settings",
                ".o-dropdown--menu .dropdown-item[name='action_open_backend']", OC,
                ".o_form_view button[name='action_sync_events']", DASHBOARD),
            ...cardLinks(OC, words),

            // Trackline.
            ...clickAndRead("Trackline: Test connection",
                `${card(TL)} footer button[name='action_test_connection']`,
                { title: words.works, text: words.loggedIn }),
            { trigger: `${card(TL)}:contains('${words.connected}')` },
            {
                content: "Trackline: Import a process opens its dialog",
                trigger: `${card(TL)} footer button[name='action_open_import_wizard']`,
                run: "click",
            },
            { trigger: ".modal .o_form_view div[name='process_ref'] input" },
            { content: "Closed without importing", trigger: ".modal .btn-close", run: "click" },
            { trigger: "body:not(:has(.modal))" },
            ...cardLinks(TL, words),

            // Sage 50, not onboarded yet.
            ...clickAndRead("Sage 50: Test connection",
                `${card(SAGE)} footer button[name='action_test_connection']`,
                { title: words.notWorks, text: words.onboarding, kind: "danger" }),
            {
                content: "The card's connection badge says Error (the test is no sync: no last run)",
                trigger: `${card(SAGE)} .badge:contains('${words.error}')`,
            },
            {
                content: "A failed connection test is no failed sync: no open error in red",
                trigger: `${card(SAGE)} a.o_tracking_errors:not(:has(.text-danger)):contains(/^\\s*0\\s/)`,
            },
            ...cardLinks(SAGE, words),
        ];
    },
});

/**
 * A red notification left open is replaced by the next one: notifications do not pile up
 * over the cards. Run for a Tracking user in English and in Spanish.
 */
registry.category("web_tour.tours").add("tracking_connector_notifications_replace", {
    steps: () => {
        const words = inLanguage({
            en: { failed: "Connection failed", onboarding: "finish the onboarding", works: "Connection works", loggedIn: "Logged in to Trackline" },
            es: { failed: "La conexión falló", onboarding: "termine la incorporación", works: "La conexión funciona", loggedIn: "Sesión iniciada en Trackline" },
        });
        return [
            {
                content: "Sage 50 (not onboarded): Test connection, its red notification left open",
                trigger: `${card(SAGE)} footer button[name='action_test_connection']`,
                run: "click",
            },
            { trigger: `${notification(words.failed)}:has(.o_notification_bar.bg-danger):contains('${words.onboarding}')` },
            {
                content: "Trackline: Test connection",
                trigger: `${card(TL)} footer button[name='action_test_connection']`,
                run: "click",
            },
            {
                content: "Notifications do not pile up over the cards: the last one replaces the red one",
                trigger: `body:has(${notification(words.works)}:has(.o_notification_bar.bg-success):contains('${words.loggedIn}')):not(:has(${notification(words.failed)}))`,
            },
            { trigger: `.o_notification .o_notification_close`, run: "click" },
            { trigger: "body:not(:has(.o_notification))" },
        ];
    },
});

/**
 * Whether the card's totals line says the sums of its bars (each day's records and failed
 * runs, read from the bars' data), each counted once, whatever the language of its words.
 */
function activityCountedOnce(name) {
    return {
        content: `${name}: the activity's totals are its bars' sums, counted once`,
        trigger: `${card(name)} .o_tracking_activity_total`,
        run() {
            const activity = this.anchor.closest(".o_tracking_activity");
            const days = [...activity.querySelectorAll(".o_tracking_day")];
            const sum = (key) => days.reduce((total, day) => total + Number(day.dataset[key]), 0);
            const numbers = (text) => (text.match(/\d+/g) || []).map(Number).sort((a, b) => a - b);
            const expected = [days.length, sum("records"), sum("failed")].sort((a, b) => a - b);
            const shown = this.anchor.textContent;
            const label = activity.querySelector("svg").getAttribute("aria-label");
            if (String(numbers(shown)) !== String(expected) || label !== shown) {
                throw new Error(`The totals "${shown}" (read aloud: "${label}") are not the bars' sums ${expected}`);
            }
        },
    };
}

/**
 * A dashboard card's recent activity (widget tracking_activity): the bars of the last 28
 * days, today's with its records and a red mark for its failed run, the one of three days
 * ago, the totals under them in the user's language, counted once, again after the card
 * shows a new sync. Run for a Tracking user in English and in Spanish; the test synced the
 * 12 locations three days ago, the 30 transactions today, and a sync failed today.
 */
registry.category("web_tour.tours").add("tracking_connector_card_activity", {
    steps: () => {
        const words = inLanguage({
            en: {
                days: "Last 28 days",
                total: "records saved: 42, failed runs: 1",
                today: "records saved: 30, failed runs: 1",
                before: "records saved: 12, failed runs: 0",
                title: "TrackOnline transactions",
                synced: "0 failed",
            },
            es: {
                days: "Últimos 28 días",
                total: "registros guardados: 42, ejecuciones fallidas: 1",
                today: "registros guardados: 30, ejecuciones fallidas: 1",
                before: "registros guardados: 12, ejecuciones fallidas: 0",
                title: "TrackOnline: transacciones",
                synced: "fallidos: 0",
            },
        });
        const activity = `${card(TO)} .o_tracking_activity`;
        return [
            {
                content: "The bars of 28 days, their totals under them, in the user's words",
                trigger: `${activity} .o_tracking_activity_total:contains('${words.days}'):contains('${words.total}')`,
            },
            {
                content: "Today's bar: its records, a red mark for its failed run, its words on hover",
                trigger: `${activity} .o_tracking_day:last-child:has(.o_tracking_bar_records):has(.o_tracking_bar_failed):has(title:contains('${words.today}'))`,
            },
            {
                content: "Three days ago: records, no failed run",
                trigger: `${activity} .o_tracking_day:nth-last-child(4):has(.o_tracking_bar_records):not(:has(.o_tracking_bar_failed)):has(title:contains('${words.before}'))`,
            },
            {
                content: "The days between: no bar, no mark",
                trigger: `${activity} .o_tracking_day:nth-last-child(2):not(:has(.o_tracking_bar_records)):not(:has(.o_tracking_bar_failed))`,
            },
            activityCountedOnce(TO),
            ...clickAndRead("TrackOnline: Sync transactions again",
                `${card(TO)} footer button[name='action_sync_transactions']`,
                { title: words.title, text: words.synced }),
            {
                content: "The card shows the new run: still one failed run in its totals",
                trigger: `${activity} .o_tracking_activity_total:contains('${words.days}')`,
            },
            activityCountedOnce(TO),
        ];
    },
});
