/**
 * "tracking_sage50_consent_wait": shown while a Sage 50 backend waits for the consent (its
 * passcode typed in Sage 50), on the onboarding dialog and on the backend's form. It asks
 * Odoo every few seconds whether Sage has sent the API key; once it has, it says so, closes
 * the onboarding dialog (the form under it reloads) or reloads the form, so that nobody has
 * to reload the page to see the key arrive. The field it sits on is the backend's
 * onboarding_state (the dialog's related one).
 */
import { Component, onWillUnmount, xml } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const EVERY_MS = 3000;

export class Sage50ConsentWait extends Component {
    static template = xml`
        <span class="o_tracking_consent_wait text-muted">
            <i class="fa fa-circle-o-notch fa-spin me-1" role="img" aria-hidden="true"/>
            <t t-esc="waitingText"/>
        </span>`;
    static props = { ...standardFieldProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.waitingText = _t("Waiting for the consent in Sage 50: this updates by itself.");
        this.timer = setInterval(() => this.check(), EVERY_MS);
        onWillUnmount(() => clearInterval(this.timer));
    }

    /** The backend: the dialog's backend_id, or the form's own record. */
    get backendId() {
        const { record } = this.props;
        return record.resModel === "sage50.backend" ? record.resId : record.data.backend_id?.[0];
    }

    async check() {
        if (!this.backendId || this.props.record.data[this.props.name] !== "passcode") {
            return;
        }
        const [backend] = await this.orm.read("sage50.backend", [this.backendId],
            ["onboarding_state"]);
        if (backend?.onboarding_state !== "approved") {
            return;
        }
        clearInterval(this.timer);
        this.notification.add(_t("Sage 50 sent its API key: the backend is ready to sync."), {
            title: _t("API key received"),
            type: "success",
        });
        if (this.props.record.resModel === "sage50.backend") {
            await this.props.record.load();
        } else {
            await this.action.doAction({ type: "ir.actions.act_window_close" });
        }
    }
}

registry.category("fields").add("tracking_sage50_consent_wait", {
    component: Sage50ConsentWait,
    supportedTypes: ["selection"],
});
