/**
 * "tracking_error_sources": the open errors of a dashboard card, one link per source (items
 * to retry, each kind of record in error, failed runs) with its count; each link opens its
 * list (the card's action_open_error_source). The value is the card's JSON field
 * error_sources: [{source, label, count}, ...].
 */
import { Component, xml } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

export class TrackingErrorSources extends Component {
    static template = xml`
        <span class="o_tracking_error_sources">
            <t t-foreach="sources" t-as="source" t-key="source.source">
                <t t-if="!source_first"> · </t>
                <a href="#" class="text-danger o_tracking_error_source"
                   t-att-data-source="source.source" t-on-click.prevent="() => this.open(source)">
                    <t t-esc="source.label"/>: <t t-esc="source.count"/>
                </a>
            </t>
        </span>`;
    static props = { ...standardFieldProps };

    setup() {
        this.action = useService("action");
    }

    get sources() {
        return this.props.record.data[this.props.name] || [];
    }

    open(source) {
        return this.action.doActionButton({
            type: "object",
            name: "action_open_error_source",
            resModel: this.props.record.resModel,
            resId: this.props.record.resId,
            args: JSON.stringify([source.source]),
            // The record's context carries the user's (their language among it): without it
            // the list's title came in English to a user working in Spanish.
            context: this.props.record.context,
        });
    }
}

registry.category("fields").add("tracking_error_sources", {
    component: TrackingErrorSources,
    supportedTypes: ["json"],
});
