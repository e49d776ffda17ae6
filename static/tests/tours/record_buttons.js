/**
 * The header and smart buttons of the records people act on, clicked by a Tracking user
 * (tests/test_ui_buttons.py opens each tour on its record): a Trackline process, a
 * TrackOnline location and a transaction drafted in Odoo, items to retry. Each click is
 * followed by what the screen shows then: the run's notification, the record's new state in
 * its status bar, the list or record a smart button opens.
 */
import { registry } from "@web/core/registry";
import { clickAndRead, inLanguage, opensAndBack } from "./tour_steps";

const HEADER = ".o_form_view .o_form_statusbar";

/** The status bar's current state. */
function state(label) {
    return {
        content: `The status bar says "${label}"`,
        trigger: `${HEADER} .o_statusbar_status button.o_arrow_button_current:contains('${label}')`,
    };
}

function smart(button, breadcrumb, shown) {
    return opensAndBack(`The smart button ${button}`, `button.oe_stat_button[name='${button}']`,
        breadcrumb, shown, HEADER);
}

/** The words the records' tours read, in the user's language (English or Spanish). */
function recordWords() {
    return inLanguage({
        en: {
            refresh: "Trackline refresh",
            documents: "Trackline documents",
            noKey: "has its API key yet: finish the onboarding",
            documentsList: "Documents",
            unlocked: "Unlocked: change the fields here",
            toSend: "To send",
            sending: "Sending to TrackOnline",
            sentWaiting: "Sent, waiting for the result",
            transactionsList: "Transactions",
            uniqueList: "Unique",
            willRetry: "Will retry",
            syncTransactions: "sync transactions",
            retried: "Items retried",
            done: "Done",
            reason: "Write the reason to ignore",
            ignored: "Ignored",
            uploads: "Sage 50 uploads",
            sent: "Sent",
            inProgress: "In progress",
            newFile: "New file to download",
            scopeFiles: "Sage 50 scope files",
            imported: "Imported",
            downloadNow: "Download now",
            downloadAgain: "Download again",
            created: (n) => `${n} created`,
            updated: (n) => `${n} updated`,
            failed: (n) => `${n} failed`,
        },
        es: {
            refresh: "Actualización de Trackline",
            documents: "Documentos de Trackline",
            noKey: "tiene todavía su clave API: termine la incorporación",
            documentsList: "Documentos",
            unlocked: "Desbloqueado: cambie aquí los campos",
            toSend: "Por enviar",
            sending: "Envío a TrackOnline",
            sentWaiting: "Enviado, esperando el resultado",
            transactionsList: "Transacciones",
            uniqueList: "Artículos únicos",
            willRetry: "Se reintentará",
            syncTransactions: "sincronizar transacciones",
            retried: "Elementos reintentados",
            done: "Hecho",
            reason: "Escriba primero el motivo para ignorar",
            ignored: "Ignorado",
            uploads: "Cargas de Sage 50",
            sent: "Enviado",
            inProgress: "En proceso",
            newFile: "Archivo nuevo para descargar",
            scopeFiles: "Archivos de alcance de Sage 50",
            imported: "Importado",
            downloadNow: "Descargar ahora",
            downloadAgain: "Descargar de nuevo",
            created: (n) => `creados: ${n}`,
            updated: (n) => `actualizados: ${n}`,
            failed: (n) => `fallidos: ${n}`,
        },
    });
}

registry.category("web_tour.tours").add("tracking_connector_process_buttons", {
    steps: () => {
        const words = recordWords();
        return [
            { trigger: ".o_form_view .o_field_widget[name='remote_id']:contains('10000')" },
            ...clickAndRead("Process: Refresh", `${HEADER} button[name='action_refresh']`,
                { title: words.refresh, text: words.failed(0) }),
            { content: "The refresh time is shown", trigger: ".o_field_widget[name='last_refresh_at']:not(:empty)" },
            ...clickAndRead("Process: Download documents", `${HEADER} button[name='action_download_documents']`,
                { title: words.documents, text: words.failed(0) }),
            { content: "Process: Send to Sage 50", trigger: `${HEADER} button[name='action_send_to_sage']`, run: "click" },
            {
                content: "Sage 50 is not onboarded: the dialog says to finish the onboarding",
                trigger: `.modal:contains('${words.noKey}')`,
            },
            { trigger: ".modal footer .btn-primary", run: "click" },
            { trigger: "body:not(:has(.modal))" },
            ...smart("action_view_documents", words.documentsList, ".o_list_view .o_data_row"),
        ];
    },
});

registry.category("web_tour.tours").add("tracking_connector_location_buttons", {
    steps: () => {
        const words = recordWords();
        return [
            {
                content: "A mirrored location offers Edit locally, not Send, nor Delete draft",
                trigger: `${HEADER}:has(button[name='action_edit_locally']):not(:has(button[name='action_send'])):not(:has(button[name='action_delete_draft']))`,
            },
            { content: "Location: Edit locally", trigger: `${HEADER} button[name='action_edit_locally']`, run: "click" },
            {
                content: "Unlocked, not To send yet: nothing changed, no Send offered",
                trigger: `.o_form_view:contains('${words.unlocked}'):has(${HEADER}):not(:has(${HEADER} button[name='action_send']))`,
            },
            {
                content: "The city changed here",
                trigger: ".o_form_view .o_field_widget[name='city'] input",
                run: "edit Gent Centrum",
            },
            { content: "Saved", trigger: ".o_form_view .o_form_button_save", run: "click" },
            state(words.toSend),
            {
                content: "Now Send and Drop local changes are offered",
                trigger: `${HEADER}:has(button[name='action_send']):has(button[name='action_take_remote']):not(:has(button[name='action_edit_locally']))`,
            },
            ...clickAndRead("Location: Send to TrackOnline", `${HEADER} button[name='action_send']`,
                { title: words.sending, text: words.updated(1) }),
            state(words.sentWaiting),
            ...smart("action_view_transactions", words.transactionsList, ".o_list_view"),
            ...smart("action_view_unique_items", words.uniqueList, ".o_view_controller"),
        ];
    },
});

registry.category("web_tour.tours").add("tracking_connector_transaction_buttons", {
    steps: () => {
        const words = recordWords();
        return [
            { content: "A transaction drafted in Odoo", trigger: `.o_form_view:contains('${words.toSend}')` },
            // The run counts the sent transaction as "1 updated" (the Odoo record it updated):
            // only its success is checked here.
            ...clickAndRead("Transaction: Send to TrackOnline", `${HEADER} button[name='action_send']`,
                { title: words.sending, text: words.failed(0) }),
            {
                content: "Sent: the button is gone and the form says it waits for the result",
                trigger: `.o_form_view:contains('${words.sentWaiting}') .o_form_statusbar:not(:has(button[name='action_send']))`,
            },
        ];
    },
});

/**
 * A Tracking user moves the trip of a synced transaction to its next status with the form's
 * "Trip: next status"; the notification says so. In English or in Spanish.
 */
registry.category("web_tour.tours").add("tracking_connector_trip_button", {
    steps: () => {
        const words = inLanguage({
            en: { trips: "TrackOnline trips", moved: "Trips moved to their next status: 1" },
            es: { trips: "Viajes de TrackOnline", moved: "Viajes pasados a su siguiente estado: 1" },
        });
        return [
            ...clickAndRead("Transaction: Trip: next status", `${HEADER} button[name='action_next_trip_status']`,
                { title: words.trips, text: words.moved }),
        ];
    },
});

/**
 * A Tracking manager deletes a transaction drafted in Odoo with its form's Delete draft,
 * then another one (numbered DRAFT-2 by the test) from the transactions list with Delete
 * drafts; the list's Actions offer no Delete (TrackOnline's copies stay). In English or in
 * Spanish.
 */
registry.category("web_tour.tours").add("tracking_connector_draft_delete", {
    steps: () => {
        const words = inLanguage({
            en: { toSend: "To send", neverSent: "It was never sent to TrackOnline", neverSentMany: "They were never sent to TrackOnline", duplicate: "Duplicate", delete: "Delete" },
            es: { toSend: "Por enviar", neverSent: "Nunca se envió a TrackOnline", neverSentMany: "Nunca se enviaron a TrackOnline", duplicate: "Duplicar", delete: "Eliminar" },
        });
        const other = ".o_list_view .o_data_row:contains('DRAFT-2')";
        return [
            { content: "A transaction drafted in Odoo", trigger: `.o_form_view:contains('${words.toSend}')` },
            { content: "Delete draft", trigger: `${HEADER} button[name='action_delete_draft']`, run: "click" },
            { content: "The dialog asks to confirm", trigger: `.modal:contains('${words.neverSent}')` },
            { trigger: ".modal footer .btn-primary", run: "click" },
            { content: "The transactions list is shown, the other draft in it", trigger: other },
            { content: "The other draft selected", trigger: `${other} .o_list_record_selector input`, run: "click" },
            {
                content: "No Delete among the list's actions: TrackOnline's copies stay",
                trigger: ".o_cp_action_menus button",
                run: "click",
            },
            { trigger: `.o-dropdown--menu:contains('${words.duplicate}'):not(:contains('${words.delete}'))` },
            { content: "The menu closed", trigger: ".o_cp_action_menus button", run: "click" },
            { trigger: "body:not(:has(.o-dropdown--menu))" },
            { content: "Delete drafts", trigger: ".o_list_selection_container button[name='action_delete_draft']", run: "click" },
            { content: "The dialog asks to confirm", trigger: `.modal:contains('${words.neverSentMany}')` },
            { trigger: ".modal footer .btn-primary", run: "click" },
            {
                content: "The draft is gone from the list, TrackOnline's transactions stay",
                trigger: ".o_list_view:has(.o_data_row):not(:has(.o_data_row:contains('DRAFT-2'))):not(:has(.o_list_record_selector input:checked))",
            },
            { content: "No error", trigger: "body:not(:has(.modal))" },
        ];
    },
});

registry.category("web_tour.tours").add("tracking_connector_retry_buttons", {
    steps: () => {
        const words = recordWords();
        return [
            state(words.willRetry),
            ...opensAndBack("Item to retry: its run log", "button.oe_stat_button[name='action_open_log']",
                words.syncTransactions, `.o_form_view .o_field_widget[name='name']:contains('${words.syncTransactions}')`, HEADER),
            ...clickAndRead("Item to retry: Retry now", `${HEADER} button[name='action_retry_now']`,
                { title: words.retried, text: words.created(1) }),
            state(words.done),
            {
                content: "Done: nothing left to retry or ignore",
                trigger: `${HEADER}:not(:has(button[name='action_retry_now'])):not(:has(button[name='action_ignore']))`,
            },
        ];
    },
});

registry.category("web_tour.tours").add("tracking_connector_ignore_buttons", {
    steps: () => {
        const words = recordWords();
        return [
            state(words.willRetry),
            { content: "Ignore without a reason", trigger: `${HEADER} button[name='action_ignore']`, run: "click" },
            { content: "The dialog asks for the reason", trigger: `.modal:contains('${words.reason}')` },
            { trigger: ".modal footer .btn-primary", run: "click" },
            { trigger: "body:not(:has(.modal))" },
            { trigger: ".o_field_widget[name='ignore_reason'] input", run: "edit A test row, not real data" },
            { content: "Ignore with its reason", trigger: `${HEADER} button[name='action_ignore']`, run: "click" },
            state(words.ignored),
            { content: "Retry again later", trigger: `${HEADER} button[name='action_reopen']`, run: "click" },
            state(words.willRetry),
            {
                content: "The reason is cleared",
                trigger: ".o_field_widget[name='ignore_reason'] input",
                run() {
                    if (this.anchor.value) {
                        throw new Error("The reason to ignore is still there: " + this.anchor.value);
                    }
                },
            },
        ];
    },
});

registry.category("web_tour.tours").add("tracking_connector_sage_upload", {
    steps: () => {
        const words = recordWords();
        return [
            { trigger: ".o_form_view .o_field_widget[name='remote_id']:contains('10000')" },
            { content: "Process: Send to Sage 50 (onboarded)", trigger: `${HEADER} button[name='action_send_to_sage']`, run: "click" },
            { content: "The upload opens", trigger: ".o_last_breadcrumb_item:contains('Trackline 10000')" },
            state(words.sent),
            ...clickAndRead("Upload: Check progress", `${HEADER} button[name='action_poll']`,
                { title: words.uploads, text: words.updated(1) }),
            state(words.inProgress),
        ];
    },
});

registry.category("web_tour.tours").add("tracking_connector_sage_download", {
    steps: () => {
        const words = recordWords();
        return [
            state(words.newFile),
            ...clickAndRead("Scope file: Download now", `${HEADER} button[name='action_download_now']:contains('${words.downloadNow}')`,
                { title: words.scopeFiles, text: words.created(1) }),
            state(words.imported),
            { content: "Now offered: Download again", trigger: `${HEADER} button[name='action_download_now']:contains('${words.downloadAgain}')` },
        ];
    },
});

/**
 * A Tracking manager deletes a location drafted in Odoo (never sent) with its form's Delete
 * draft (trackonline_outgoing_mixin, as for transactions): the locations list opens without
 * it, TrackOnline's locations in it. In English or in Spanish.
 */
registry.category("web_tour.tours").add("tracking_connector_location_draft_delete", {
    steps: () => {
        const words = inLanguage({
            en: { toSend: "To send", neverSent: "It was never sent to TrackOnline", list: "Locations" },
            es: { toSend: "Por enviar", neverSent: "Nunca se envió a TrackOnline", list: "Ubicaciones" },
        });
        return [
            {
                content: "A location drafted in Odoo: To send, Delete draft offered (no Edit locally)",
                trigger: `${HEADER}:has(.o_arrow_button_current:contains('${words.toSend}')):not(:has(button[name='action_edit_locally']))`,
            },
            { content: "Delete draft", trigger: `${HEADER} button[name='action_delete_draft']`, run: "click" },
            { content: "The dialog asks to confirm", trigger: `.modal:contains('${words.neverSent}')` },
            { trigger: ".modal footer .btn-primary", run: "click" },
            {
                content: "The locations list opens: TrackOnline's locations, not the draft",
                trigger: `.o_last_breadcrumb_item:contains('${words.list}')`,
            },
            { trigger: ".o_list_view:has(.o_data_row):not(:has(.o_data_row:contains('Draft depot')))" },
            { content: "No error", trigger: "body:not(:has(.modal))" },
        ];
    },
});

/** The words of the conflict tours, in the user's language (English or Spanish). */
function conflictWords() {
    return inLanguage({
        en: {
            conflict: "TrackOnline changed this record while your changes were not sent",
            replaced: "replaced by TrackOnline's version",
            sending: "Sending to TrackOnline",
            sentWaiting: "Sent, waiting for the result",
            updated: "1 updated",
        },
        es: {
            conflict: "TrackOnline cambió este registro mientras sus cambios estaban sin enviar",
            replaced: "se sustituyen por la versión de TrackOnline",
            sending: "Envío a TrackOnline",
            sentWaiting: "Enviado, esperando el resultado",
            updated: "actualizados: 1",
        },
    });
}

/** Whether the field ``name`` of the form shows ``value`` (editable or not). */
function fieldShows(name, value) {
    return {
        content: `The field ${name} shows "${value}"`,
        trigger: `.o_form_view .o_field_widget[name='${name}']`,
        run() {
            const input = this.anchor.querySelector("input");
            const shown = input ? input.value : this.anchor.textContent;
            if (!shown.includes(value)) {
                throw new Error(`The field ${name} shows "${shown}", not "${value}"`);
            }
        },
    };
}

/** A location in conflict (the test made one): both choices offered, nothing else. */
function inConflict(words) {
    return [
        {
            content: "In conflict: the alert with both versions",
            trigger: `.o_form_view .alert-danger:contains('${words.conflict}') .o_field_widget[name='conflict_diff']`,
        },
        {
            content: "Keep mine and send and Take TrackOnline's offered, not Send",
            trigger: `${HEADER}:has(button[name='action_keep_mine_and_send']):has(button[name='action_take_remote']):not(:has(button[name='action_send']))`,
        },
    ];
}

/** Settled: the alert gone, neither choice offered any more. */
function settled() {
    return {
        content: "Settled: no conflict shown, no choice offered",
        trigger: `body:not(:has(.o_field_widget[name='conflict_diff'])) ${HEADER}:not(:has(button[name='action_keep_mine_and_send']))`,
    };
}

/**
 * A location edited in Odoo (its name) while TrackOnline changed it (its city): its send
 * made it a conflict. Keep mine and send sends the local version over TrackOnline's.
 */
registry.category("web_tour.tours").add("tracking_connector_conflict_keep_mine", {
    steps: () => {
        const words = conflictWords();
        return [
            ...inConflict(words),
            ...clickAndRead("Keep mine and send", `${HEADER} button[name='action_keep_mine_and_send']`,
                { title: words.sending, text: words.updated }),
            state(words.sentWaiting),
            settled(),
            fieldShows("name", "Mine, from Odoo"),
        ];
    },
});

/**
 * The same conflict settled the other way: Take TrackOnline's (after its confirmation)
 * puts TrackOnline's version in the form, the local change dropped.
 */
registry.category("web_tour.tours").add("tracking_connector_conflict_take_remote", {
    steps: () => {
        const words = conflictWords();
        return [
            ...inConflict(words),
            { content: "Take TrackOnline's", trigger: `${HEADER} button[name='action_take_remote']`, run: "click" },
            { content: "The dialog says my changes are replaced", trigger: `.modal:contains('${words.replaced}')` },
            { trigger: ".modal footer .btn-primary", run: "click" },
            settled(),
            { content: "Edit locally offered again", trigger: `${HEADER} button[name='action_edit_locally']` },
            fieldShows("city", "Remote city"),
            fieldShows("name", "Name from TrackOnline"),
            { content: "No error", trigger: "body:not(:has(.modal))" },
        ];
    },
});
