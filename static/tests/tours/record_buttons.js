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

registry.category("web_tour.tours").add("tracking_connector_process_buttons", {
    steps: () => [
        { trigger: ".o_form_view .o_field_widget[name='remote_id']:contains('10000')" },
        ...clickAndRead("Process: Refresh", `${HEADER} button[name='action_refresh']`,
            { title: "Trackline refresh", text: "0 failed" }),
        { content: "The refresh time is shown", trigger: ".o_field_widget[name='last_refresh_at']:not(:empty)" },
        ...clickAndRead("Process: Download documents", `${HEADER} button[name='action_download_documents']`,
            { title: "Trackline documents", text: "0 failed" }),
        { content: "Process: Send to Sage 50", trigger: `${HEADER} button[name='action_send_to_sage']`, run: "click" },
        {
            content: "Sage 50 is not onboarded: the dialog says to finish the onboarding",
            trigger: ".modal:contains('has its API key yet: finish the onboarding')",
        },
        { trigger: ".modal footer .btn-primary", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        ...smart("action_view_documents", "Documents", ".o_list_view .o_data_row"),
    ],
});

registry.category("web_tour.tours").add("tracking_connector_location_buttons", {
    steps: () => [
        {
            content: "A mirrored location offers Edit locally, not Send, nor Delete draft",
            trigger: `${HEADER}:has(button[name='action_edit_locally']):not(:has(button[name='action_send'])):not(:has(button[name='action_delete_draft']))`,
        },
        { content: "Location: Edit locally", trigger: `${HEADER} button[name='action_edit_locally']`, run: "click" },
        {
            content: "Unlocked, not To send yet: nothing changed, no Send offered",
            trigger: `.o_form_view:contains('Unlocked: change the fields here'):has(${HEADER}):not(:has(${HEADER} button[name='action_send']))`,
        },
        {
            content: "The city changed here",
            trigger: ".o_form_view .o_field_widget[name='city'] input",
            run: "edit Gent Centrum",
        },
        { content: "Saved", trigger: ".o_form_view .o_form_button_save", run: "click" },
        state("To send"),
        {
            content: "Now Send and Drop local changes are offered",
            trigger: `${HEADER}:has(button[name='action_send']):has(button[name='action_take_remote']):not(:has(button[name='action_edit_locally']))`,
        },
        ...clickAndRead("Location: Send to TrackOnline", `${HEADER} button[name='action_send']`,
            { title: "Sending to TrackOnline", text: "1 updated" }),
        state("Sent, waiting for the result"),
        ...smart("action_view_transactions", "Transactions", ".o_list_view"),
        ...smart("action_view_unique_items", "Unique", ".o_view_controller"),
    ],
});

registry.category("web_tour.tours").add("tracking_connector_transaction_buttons", {
    steps: () => [
        { content: "A transaction drafted in Odoo", trigger: ".o_form_view:contains('To send')" },
        // The run counts the sent transaction as "1 updated" (the Odoo record it updated):
        // only its success is checked here.
        ...clickAndRead("Transaction: Send to TrackOnline", `${HEADER} button[name='action_send']`,
            { title: "Sending to TrackOnline", text: "0 failed" }),
        {
            content: "Sent: the button is gone and the form says it waits for the result",
            trigger: ".o_form_view:contains('Sent, waiting for the result') .o_form_statusbar:not(:has(button[name='action_send']))",
        },
    ],
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
    steps: () => [
        state("Will retry"),
        ...opensAndBack("Item to retry: its run log", "button.oe_stat_button[name='action_open_log']",
            "sync transactions", ".o_form_view .o_field_widget[name='name']:contains('sync transactions')", HEADER),
        ...clickAndRead("Item to retry: Retry now", `${HEADER} button[name='action_retry_now']`,
            { title: "Items retried", text: "1 created" }),
        state("Done"),
        {
            content: "Done: nothing left to retry or ignore",
            trigger: `${HEADER}:not(:has(button[name='action_retry_now'])):not(:has(button[name='action_ignore']))`,
        },
    ],
});

registry.category("web_tour.tours").add("tracking_connector_ignore_buttons", {
    steps: () => [
        state("Will retry"),
        { content: "Ignore without a reason", trigger: `${HEADER} button[name='action_ignore']`, run: "click" },
        { content: "The dialog asks for the reason", trigger: ".modal:contains('Write the reason to ignore')" },
        { trigger: ".modal footer .btn-primary", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        { trigger: ".o_field_widget[name='ignore_reason'] input", run: "edit A test row, not real data" },
        { content: "Ignore with its reason", trigger: `${HEADER} button[name='action_ignore']`, run: "click" },
        state("Ignored"),
        { content: "Retry again later", trigger: `${HEADER} button[name='action_reopen']`, run: "click" },
        state("Will retry"),
        {
            content: "The reason is cleared",
            trigger: ".o_field_widget[name='ignore_reason'] input",
            run() {
                if (this.anchor.value) {
                    throw new Error("The reason to ignore is still there: " + this.anchor.value);
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("tracking_connector_sage_upload", {
    steps: () => [
        { trigger: ".o_form_view .o_field_widget[name='remote_id']:contains('10000')" },
        { content: "Process: Send to Sage 50 (onboarded)", trigger: `${HEADER} button[name='action_send_to_sage']`, run: "click" },
        { content: "The upload opens", trigger: ".o_last_breadcrumb_item:contains('Trackline 10000')" },
        state("Sent"),
        ...clickAndRead("Upload: Check progress", `${HEADER} button[name='action_poll']`,
            { title: "Sage 50 uploads", text: "1 updated" }),
        state("In progress"),
    ],
});

registry.category("web_tour.tours").add("tracking_connector_sage_download", {
    steps: () => [
        state("New file to download"),
        ...clickAndRead("Scope file: Download now", `${HEADER} button[name='action_download_now']:contains('Download now')`,
            { title: "Sage 50 scope files", text: "1 created" }),
        state("Imported"),
        { content: "Now offered: Download again", trigger: `${HEADER} button[name='action_download_now']:contains('Download again')` },
    ],
});
