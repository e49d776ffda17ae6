/**
 * "tracking_connector.notify": what a sync button answers. It shows the run's summary as a
 * notification whose run-log links stay in the web client (same tab: the router follows
 * /odoo/... links without "_blank"), then runs params.next, by default a soft reload of the
 * current view so that the figures, counters and states on screen are the new ones. Each
 * one replaces the one shown before (a sticky red one included): the screen shows the last
 * run's result, and earlier ones stay in their run logs, not piled up over the cards.
 */
import { markup } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { escape, sprintf } from "@web/core/utils/strings";

function runLogLink({ url, label }) {
    return `<a class="o_tracking_run_log" href="${escape(url)}">${escape(label)}</a>`;
}

/** Closes the notification shown last by ``trackingNotify``. */
let closeShown = () => {};

export function trackingNotify(env, action) {
    const { title, message = "", links = [], type = "info", sticky = false } =
        action.params || {};
    const body = markup(sprintf(escape(message), ...links.map(runLogLink)));
    closeShown();
    closeShown = env.services.notification.add(body, { title, type, sticky });
    return (action.params || {}).next || { type: "ir.actions.client", tag: "soft_reload" };
}

registry.category("actions").add("tracking_connector.notify", trackingNotify);
