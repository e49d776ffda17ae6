/**
 * The header and smart buttons of each backend form, clicked on the demo's four backends
 * pointed at a sandbox (tests/test_ui_buttons.py), each followed by what the screen shows:
 * the run's notification, the connection state in the status bar, the counts on the smart
 * buttons, the list a smart button opens. Tour tracking_connector_backend_forms is a
 * Tracking user's; tracking_connector_sage_manager clicks the Sage 50 form's manager
 * buttons (tracking_connector_sage_rotate on an onboarded backend);
 * tracking_connector_card_import imports a process from the dashboard's card.
 */
import { registry } from "@web/core/registry";
import { card, clickAndRead, inLanguage, notified, opensAndBack } from "./tour_steps";

const TO = "TrackOnline (sandbox)";
const OC = "Business Network (sandbox)";
const TL = "Trackline (sandbox)";
const SAGE = "Sage 50 (sandbox)";
const FORM = ".o_form_view .o_form_statusbar";

/** Open the form of backend ``name`` from its dashboard card's title. */
function openForm(name) {
    return [
        { content: `${name}: its form`, trigger: `${card(name)} a.fw-bold[name='action_open_backend']`, run: "click" },
        { trigger: `.o_last_breadcrumb_item:contains('${name}')` },
    ];
}

/** The smart button ``button`` (showing ``label``) opens ``breadcrumb`` showing ``shown``. */
function smart(button, label, breadcrumb, shown) {
    return opensAndBack(`The smart button ${label}`,
        `button.oe_stat_button[name='${button}']:contains('${label}')`,
        breadcrumb, shown, FORM);
}

/** The form's connection state in its status bar. */
function connection(state) {
    return { content: `The status bar says ${state}`, trigger: `${FORM} .o_statusbar_status button.o_arrow_button_current:contains('${state}')` };
}

function toDashboard() {
    return [
        { trigger: ".o_breadcrumb .o_back_button a", run: "click" },
        { trigger: ".o_tracking_dashboard .o_kanban_record" },
    ];
}

/** The words the backend forms' tours read, in the user's language (English or Spanish). */
function formWords() {
    return inLanguage({
        en: {
            notTested: "Not tested",
            connected: "Connected",
            keyReceived: "API key received",
            works: "Connection works",
            notWorks: "Connection failed",
            apiKey: "answered with the API key",
            tokenWorks: "Token and data call work",
            loggedIn: "Logged in to Trackline",
            onboarding: "finish the onboarding",
            onboardingFirst: "finish the onboarding first",
            transactions: "TrackOnline transactions",
            events: "OpusCapita events",
            created: (n) => `${n} created`,
            failed: (n) => `${n} failed`,
            syncTransactions: "sync transactions",
            fetchEvents: "fetch events",
            importProcess: "import process 10000",
            testConnection: "test connection",
            runs: "Sync Runs",
            lists: {
                transactions: "Transactions", locations: "Locations", itemDefinitions: "Item definitions",
                batch: "Batch calculations", events: "Events", processes: "Processes",
                uploads: "Sage 50 uploads", downloads: "Sage 50 downloads",
            },
            smartLabels: { uploads: "Uploads", downloads: "Scope files" },
            onboardingTitle: "Sage 50 onboarding",
            sageKey: "Sage 50 API key",
            rotated: "API key rotated",
        },
        es: {
            notTested: "No probado",
            connected: "Conectado",
            keyReceived: "Clave API recibida",
            works: "La conexión funciona",
            notWorks: "La conexión falló",
            apiKey: "respondió con la clave API",
            tokenWorks: "El token y la llamada de datos funcionan",
            loggedIn: "Sesión iniciada en Trackline",
            onboarding: "termine la incorporación",
            onboardingFirst: "termine primero la incorporación",
            transactions: "TrackOnline: transacciones",
            events: "Eventos de OpusCapita",
            created: (n) => `creados: ${n}`,
            failed: (n) => `fallidos: ${n}`,
            syncTransactions: "sincronizar transacciones",
            fetchEvents: "obtener eventos",
            importProcess: "importar proceso 10000",
            testConnection: "probar conexión",
            runs: "Ejecuciones de sincronización",
            lists: {
                transactions: "Transacciones", locations: "Ubicaciones", itemDefinitions: "Definiciones de artículo",
                batch: "Cálculos por lotes", events: "Eventos", processes: "Procesos",
                uploads: "Cargas de Sage 50", downloads: "Descargas de Sage 50",
            },
            smartLabels: { uploads: "Cargas", downloads: "Archivos de alcance" },
            onboardingTitle: "Incorporación de Sage 50",
            sageKey: "Clave API de Sage 50",
            rotated: "Clave API rotada",
        },
    });
}

/**
 * The header and smart buttons of the four backend forms, as a Tracking user, in English or
 * in Spanish: buttons found by their names, the words read in the user's language.
 */
registry.category("web_tour.tours").add("tracking_connector_backend_forms", {
    steps: () => {
        const words = formWords();
        const lists = words.lists;
        return [
            // TrackOnline.
            ...openForm(TO),
            connection(words.notTested),
            ...clickAndRead("TrackOnline form: Test connection", `${FORM} button[name='action_test_connection']`,
                { title: words.works, text: words.apiKey }),
            connection(words.connected),
            ...clickAndRead("TrackOnline form: Sync transactions", `${FORM} button[name='action_sync_transactions']`,
                { title: words.transactions, text: words.created(30) }),
            {
                content: "The smart button counts the 30 transactions",
                trigger: "button.oe_stat_button[name='action_view_transactions'] .o_stat_value:contains(/^30$/)",
            },
            ...smart("action_view_transactions", lists.transactions, lists.transactions, ".o_list_view .o_data_row"),
            ...smart("action_view_locations", lists.locations, lists.locations, ".o_list_view .o_data_row"),
            ...smart("action_view_item_definitions", lists.itemDefinitions, lists.itemDefinitions, ".o_list_view"),
            ...smart("action_view_batch_calculations", lists.batch, lists.batch, ".o_view_controller"),
            ...smart("action_view_sync_logs", words.runs, words.runs, `.o_list_view .o_data_row:contains('${words.syncTransactions}')`),
            ...toDashboard(),

            // OpusCapita.
            ...openForm(OC),
            ...clickAndRead("OpusCapita form: Test connection", `${FORM} button[name='action_test_connection']`,
                { title: words.works, text: words.tokenWorks }),
            connection(words.connected),
            ...clickAndRead("OpusCapita form: Sync now", `${FORM} button[name='action_sync_events']`,
                { title: words.events, text: words.created(60) }),
            {
                content: "The smart button counts the 60 events",
                trigger: "button.oe_stat_button[name='action_view_events'] .o_stat_value:contains(/^60$/)",
            },
            { content: "OpusCapita form: Fetch a period", trigger: `${FORM} button[name='action_open_fetch_wizard']`, run: "click" },
            { content: "Its dialog starts with the backend", trigger: `.modal div[name='backend_id'] input:value('${OC}')` },
            ...clickAndRead("Fetch of the last day", ".modal footer button[name='action_fetch']",
                { title: words.events, text: words.failed(0) }),
            { trigger: "body:not(:has(.modal))" },
            ...smart("action_view_events", lists.events, lists.events, ".o_list_view .o_data_row"),
            ...smart("action_view_sync_logs", words.runs, words.runs, `.o_list_view .o_data_row:contains('${words.fetchEvents}')`),
            ...toDashboard(),

            // Trackline: the import from the backend form (the card's is tour ..._card_import).
            ...openForm(TL),
            ...clickAndRead("Trackline form: Test connection", `${FORM} button[name='action_test_connection']`,
                { title: words.works, text: words.loggedIn }),
            connection(words.connected),
            { content: "Trackline form: Import a process", trigger: `${FORM} button[name='action_open_import_wizard']`, run: "click" },
            { trigger: ".modal div[name='process_ref'] input", run: "edit 10000" },
            { trigger: ".modal footer button[name='action_import']", run: "click" },
            { content: "The imported process opens", trigger: ".o_form_view .o_field_widget[name='remote_id']:contains('10000')" },
            {
                content: "with its documents",
                trigger: "button.oe_stat_button[name='action_view_documents'] .o_stat_value:not(:contains(/^0$/))",
            },
            { trigger: "body:not(:has(.modal))" },
            { trigger: ".o_breadcrumb .o_back_button a", run: "click" },
            {
                content: "The backend's smart button counts the process",
                trigger: "button.oe_stat_button[name='action_view_processes'] .o_stat_value:contains(/^1$/)",
            },
            ...smart("action_view_processes", lists.processes, lists.processes, ".o_list_view .o_data_row:contains('10000')"),
            ...smart("action_view_sync_logs", words.runs, words.runs, `.o_list_view .o_data_row:contains('${words.importProcess}')`),
            ...toDashboard(),

            // Sage 50, not onboarded: a Tracking user has no onboarding button.
            ...openForm(SAGE),
            {
                content: "No Onboarding or Rotate API key for a Tracking user",
                trigger: `${FORM}:has(button[name='action_test_connection']):not(:has(button[name='action_open_onboarding'])):not(:has(button[name='action_rotate_key']))`,
            },
            ...clickAndRead("Sage 50 form: Test connection", `${FORM} button[name='action_test_connection']`,
                { title: words.notWorks, text: words.onboarding, kind: "danger" }),
            ...smart("action_view_uploads", words.smartLabels.uploads, lists.uploads, ".o_view_controller"),
            ...smart("action_view_downloads", words.smartLabels.downloads, lists.downloads, ".o_view_controller"),
            ...smart("action_view_sync_logs", words.runs, words.runs, `.o_list_view .o_data_row:contains('${words.testConnection}')`),
        ];
    },
});

/**
 * A Tracking manager's buttons on the Trackline and Sage 50 forms and the Sage 50 card, in
 * English or in Spanish.
 */
registry.category("web_tour.tours").add("tracking_connector_sage_manager", {
    steps: () => {
        const words = formWords();
        return [
            // A Tracking manager who is not an Access Rights administrator opens the Trackline
            // backend form too (its "Offer the import on" field, models, is not shown).
            ...openForm(TL),
            { content: "The Trackline form shows its login to a manager", trigger: ".o_form_view .o_field_widget[name='login'] input" },
            { trigger: ".o_breadcrumb .o_back_button a", run: "click" },
            { trigger: ".o_tracking_dashboard .o_kanban_record" },
            ...openForm(SAGE),
            { content: "Onboarding (a manager's button)", trigger: `${FORM} button[name='action_open_onboarding']`, run: "click" },
            { content: "The onboarding dialog opens at its first step", trigger: `.modal:contains('${words.onboardingTitle}') footer button[name='action_register']` },
            { trigger: ".modal .btn-close", run: "click" },
            { trigger: "body:not(:has(.modal))" },
            {
                content: "The URLs to give Sage",
                trigger: ".o_form_view .o_field_widget[name='approval_url']",
                run() {
                    window.tcOldUrl = this.anchor.textContent;
                },
            },
            { content: "New URLs", trigger: ".o_form_view button[name='action_new_endpoint_token']", run: "click" },
            { content: "Confirmed: Sage will need the new URLs", trigger: ".modal-footer .btn-primary", run: "click" },
            { trigger: "body:not(:has(.modal))" },
            {
                content: "The URL shown is a new one",
                trigger: ".o_form_view .o_field_widget[name='approval_url']",
                run() {
                    if (!this.anchor.textContent.trim() || this.anchor.textContent === window.tcOldUrl) {
                        throw new Error("The URL did not change: " + this.anchor.textContent);
                    }
                },
            },
            { trigger: ".o_breadcrumb .o_back_button a", run: "click" },
            {
                content: "Rotate API key, in the card's menu for a manager",
                trigger: card(SAGE),
                run: `hover && click ${card(SAGE)} .o_dropdown_kanban .dropdown-toggle`,
            },
            { trigger: ".o-dropdown--menu .dropdown-item[name='action_rotate_key']", run: "click" },
            {
                content: "Not onboarded yet: the notification says to finish the onboarding first",
                trigger: `.o_notification:has(.o_notification_title:contains('${words.sageKey}')):has(.bg-danger):contains('${words.onboardingFirst}')`,
            },
        ];
    },
});

/**
 * Check the API, a manager's button, on the four backend forms: its report opens in a dialog
 * titled with the backend, in the manager's language (English or Spanish), and is closed;
 * Sage 50, not onboarded, has nothing to read yet: a red notification says why.
 */
registry.category("web_tour.tours").add("tracking_connector_check_api", {
    steps: () => {
        const words = inLanguage({
            en: { title: "Check the API", found: "Fields found and read", empty: "No answer held records", answers: "Answers as received", onboarding: "finish the onboarding" },
            es: { title: "Comprobar la API", found: "Campos encontrados y leídos", empty: "Ninguna respuesta traía registros", answers: "Respuestas tal como llegaron", onboarding: "termine la incorporación" },
        });
        const check = (name, says) => [
            ...openForm(name),
            { content: `${name}: Check the API`, trigger: `${FORM} button[name='action_check_api']`, run: "click" },
            {
                content: `${name}: its report opens in a dialog titled with the backend, in the user's words`,
                trigger: `.modal:has(.modal-title:contains('${words.title}: ${name}')):has(.o_field_widget[name='report']:contains('${says}')):contains('${words.answers}')`,
            },
            { content: "Closed", trigger: ".modal footer .btn-primary", run: "click" },
            { trigger: "body:not(:has(.modal))" },
            ...toDashboard(),
        ];
        return [
            ...check(TO, words.found),
            // The sandbox lists no Trackline process, and no event in the check's window.
            ...check(OC, words.empty),
            ...check(TL, words.empty),
            // Sage 50, not onboarded: no report, a red notification that says why.
            ...openForm(SAGE),
            ...clickAndRead(`${SAGE}: Check the API`, `${FORM} button[name='action_check_api']`,
                { title: words.title, text: words.onboarding, kind: "danger" }),
        ];
    },
});

/**
 * The Sage 50 onboarding followed to the consent (its dialog's waiting widget,
 * tracking_sage50_consent_wait), by a Tracking manager in English or in Spanish.
 */
registry.category("web_tour.tours").add("tracking_connector_sage_consent", {
    steps: () => {
        const words = inLanguage({
            en: { mode: "I have a developer ID", waiting: "Waiting for the consent in Sage 50", received: "API key received", ready: "ready to sync" },
            es: { mode: "Tengo un ID de desarrollador", waiting: "Esperando el consentimiento en Sage 50", received: "Clave API recibida", ready: "listo para sincronizar" },
        });
        return [
            { content: "Onboarding", trigger: `${FORM} button[name='action_open_onboarding']`, run: "click" },
            {
                content: "The developer ID and application ID are known",
                trigger: `.modal .o_field_widget[name='mode'] label:contains('${words.mode}')`,
                run: "click",
            },
            { content: "Generate passcode", trigger: ".modal footer button[name='action_passcode']", run: "click" },
            {
                content: "The passcode is shown, and the dialog says it waits for the consent by itself",
                trigger: `.modal:has(.o_field_widget[name='passcode']) .o_tracking_consent_wait:contains('${words.waiting}')`,
            },
            {
                content: "Sage 50 sent the key (consent given in Sage 50): the dialog says so and closes",
                trigger: `body:not(:has(.modal)) .o_notification:has(.o_notification_title:contains('${words.received}')):has(.o_notification_bar.bg-success):contains('${words.ready}')`,
            },
            {
                content: "The form under it shows the key received, no more waiting",
                trigger: `${FORM}:has(.o_arrow_button_current:contains('${words.received}')):has(button[name='action_rotate_key'])`,
            },
            { trigger: ".o_form_view:not(:has(.o_tracking_consent_wait))" },
        ];
    },
});

registry.category("web_tour.tours").add("tracking_connector_card_import", {
    steps: () => [
        { content: "Import a process, from the Trackline card", trigger: `${card(TL)} footer button[name='action_open_import_wizard']`, run: "click" },
        { trigger: ".modal div[name='process_ref'] input", run: "edit 10000" },
        { trigger: ".modal footer button[name='action_import']", run: "click" },
        { content: "The imported process opens", trigger: ".o_form_view .o_field_widget[name='remote_id']:contains('10000')" },
        {
            content: "with its documents",
            trigger: "button.oe_stat_button[name='action_view_documents'] .o_stat_value:not(:contains(/^0$/))",
        },
        { content: "No error", trigger: "body:not(:has(.o_error_dialog)):not(:has(.modal))" },
    ],
});

registry.category("web_tour.tours").add("tracking_connector_sage_rotate", {
    steps: () => {
        const words = formWords();
        return [
            {
                content: "Rotate API key, in the onboarded backend's card menu",
                trigger: card("Sage 50 test"),
                run: `hover && click ${card("Sage 50 test")} .o_dropdown_kanban .dropdown-toggle`,
            },
            { trigger: ".o-dropdown--menu .dropdown-item[name='action_rotate_key']", run: "click" },
            ...notified("Card: Rotate API key", { title: words.sageKey, text: words.rotated }),
            ...openForm("Sage 50 test"),
            {
                content: "Onboarded: Rotate API key offered, Onboarding not",
                trigger: `${FORM}:has(button[name='action_rotate_key']):not(:has(button[name='action_open_onboarding']))`,
            },
            connection(words.keyReceived),
            ...clickAndRead("Form: Rotate API key", `${FORM} button[name='action_rotate_key']`,
                { title: words.sageKey, text: words.rotated }),
            { content: "The key's expiry is shown", trigger: ".o_field_widget[name='key_expires_at']:not(:empty)" },
        ];
    },
});
