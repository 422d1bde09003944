/* Target protocol v1 over stdin/stdout: one JSON request per line, one answer per line.
 * Bad requests get the protocol's refusals and never stop the process. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pump.h"

#define MAX_LINE 65536

static const char *const FAULTS[] = {"occlusion", "occlusion_cleared", "battery_low",
                                     "battery_depleted", "battery_replaced", "motor",
                                     "motor_cleared"};
static const char *const KINDS[] = {"bolus", "cancel_bolus", "temp_basal", "cancel_temp_basal",
                                    "set_basal_schedule", "suspend", "resume", "cgm", "set_clock",
                                    "fill", "ack_alarm", "fault", "restart"};
static const event_kind KIND_CODES[] = {EV_BOLUS, EV_CANCEL_BOLUS, EV_TEMP_BASAL, EV_CANCEL_TEMP,
                                        EV_SCHEDULE, EV_SUSPEND, EV_RESUME, EV_CGM, EV_CLOCK,
                                        EV_FILL, EV_ACK, EV_FAULT, EV_RESTART};
static int configured = 0;

static void emit_observation(const observation_t *o) {
    printf("{\"t\":%lld,\"delivered_mU\":%lld,\"reservoir_mU\":%lld,\"iob_mU\":%lld,"
           "\"basal_rate_mU_per_h\":%lld,\"mode\":\"%s\",\"alarms\":[",
           (long long)o->t, (long long)o->delivered, (long long)o->reservoir, (long long)o->iob,
           (long long)o->basal_rate, o->mode);
    int first = 1;
    for (int k = 0; k < N_ALARMS; k++) {
        if (!o->alarms[k]) continue;
        printf("%s\"%s\"", first ? "" : ",", ALARM_NAMES[k]);
        first = 0;
    }
    if (o->reason) printf("],\"accepted\":false,\"reason\":\"%s\"}\n", o->reason);
    else printf("],\"accepted\":true,\"reason\":null}\n");
}

/* An integer field: 1 found, 0 missing (use *out as default), -1 ill-typed. */
static int get_int(const jvalue *obj, const char *key, int64_t *out) {
    const jvalue *v = json_get(obj, key);
    if (!v) return 0;
    if (v->type != J_INT) return -1;
    *out = v->i;
    return 1;
}

static int get_schedule(const jvalue *v, int *n, int64_t *start, int64_t *rate) {
    if (!v || v->type != J_ARRAY || v->n < 1 || v->n > MAX_SEGMENTS) return 0;
    for (size_t k = 0; k < v->n; k++) {
        const jvalue *seg = &v->items[k];
        if (seg->type != J_ARRAY || seg->n != 2 || seg->items[0].type != J_INT ||
            seg->items[1].type != J_INT)
            return 0;
        start[k] = seg->items[0].i;
        rate[k] = seg->items[1].i;
        if (start[k] < 0 || start[k] >= DAY || rate[k] < 0 || (k == 0 && start[k] != 0) ||
            (k > 0 && start[k] <= start[k - 1]))
            return 0;
    }
    *n = (int)v->n;
    return 1;
}

static const char *configure(const jvalue *settings) {
    static const char *const NAMES[] = {
        "pulse_mU", "bolus_rate_mU_per_min", "max_bolus_mU", "max_basal_rate_mU_per_h",
        "max_daily_total_mU", "max_iob_mU", "dia_min", "peak_min", "reservoir_capacity_mU",
        "low_reservoir_mU", "occlusion_max_missed_mU", "max_suspend_min", "lgs_threshold_mg_dL",
        "cgm_stale_min", "auto_off_min"};
    settings_t s;
    memset(&s, 0, sizeof s);
    int64_t *fields[] = {&s.pulse, &s.bolus_rate, &s.max_bolus, &s.max_basal, &s.max_daily,
                         &s.max_iob, &s.dia, &s.peak, &s.capacity, &s.low_reservoir, &s.occl_max,
                         &s.max_suspend, &s.lgs, &s.stale, &s.auto_off};
    if (!settings || settings->type != J_OBJECT) return "invalid_settings: settings missing";
    for (size_t k = 0; k < sizeof NAMES / sizeof NAMES[0]; k++)
        if (get_int(settings, NAMES[k], fields[k]) != 1)
            return "invalid_settings: a setting is missing or not an integer";
    if (!get_schedule(json_get(settings, "basal_schedule"), &s.n_segments, s.seg_start,
                      s.seg_rate))
        return "invalid_settings: basal_schedule";
    return pump_configure(&s);
}

static int source_of(const jvalue *event, int *automated) {
    const jvalue *v = json_get(event, "source");
    if (!v || v->type != J_STRING) return 0;
    if (strcmp(v->s, "user") == 0) *automated = 0;
    else if (strcmp(v->s, "auto") == 0) *automated = 1;
    else return 0;
    return 1;
}

static int index_of(const char *const *names, size_t n, const jvalue *v) {
    if (!v || v->type != J_STRING) return -1;
    for (size_t k = 0; k < n; k++) if (strcmp(names[k], v->s) == 0) return (int)k;
    return -1;
}

static void handle_event(const jvalue *event) {
    observation_t obs;
    const jvalue *kind = json_get(event, "kind");
    if (!event || event->type != J_OBJECT || !kind || kind->type != J_STRING) {
        pump_refuse("bad_request", &obs); emit_observation(&obs); return;
    }
    int k = index_of(KINDS, sizeof KINDS / sizeof KINDS[0], kind);
    if (k < 0) {
#ifdef BUG_CRASH_ON_UNKNOWN_EVENT
        abort();
#endif
        pump_refuse("unknown_kind", &obs); emit_observation(&obs); return;
    }
    event_t e;
    memset(&e, 0, sizeof e);
    e.kind = KIND_CODES[k];
    int ok = 1, automated = 0;
    const jvalue *id = json_get(event, "id");
    switch (e.kind) {
    case EV_BOLUS:
        ok = get_int(event, "amount_mU", &e.amount) == 1 &&
             get_int(event, "extended_mU", &e.extended) >= 0 &&
             get_int(event, "extended_min", &e.extended_min) >= 0 &&
             source_of(event, &automated) && id && id->type == J_STRING && id->s[0];
        break;
    case EV_TEMP_BASAL:
        ok = get_int(event, "rate_mU_per_h", &e.rate) == 1 &&
             get_int(event, "duration_min", &e.duration) == 1 && source_of(event, &automated) &&
             id && id->type == J_STRING && id->s[0];
        break;
    case EV_SCHEDULE:
        ok = get_schedule(json_get(event, "basal_schedule"), &e.n_segments, e.seg_start,
                          e.seg_rate);
        break;
    case EV_SUSPEND: case EV_RESUME: ok = source_of(event, &automated); break;
    case EV_CGM: ok = get_int(event, "glucose_mg_dL", &e.glucose) == 1; break;
    case EV_CLOCK: ok = get_int(event, "offset_min", &e.offset) == 1; break;
    case EV_FILL: ok = get_int(event, "reservoir_mU", &e.reservoir) == 1; break;
    case EV_ACK:
        e.code = index_of(ALARM_NAMES, N_ALARMS, json_get(event, "code"));
        ok = e.code >= 0;
        break;
    case EV_FAULT:
        e.code = index_of(FAULTS, sizeof FAULTS / sizeof FAULTS[0], json_get(event, "fault"));
        ok = e.code >= 0;
        break;
    default: break;
    }
    if (!ok) { pump_refuse("bad_request", &obs); emit_observation(&obs); return; }
    e.automated = automated;
    e.id = id && id->type == J_STRING ? id->s : "";
    pump_event(&e, &obs);
    emit_observation(&obs);
}

static int handle_line(const char *line, size_t length) {
    jvalue *message = length <= MAX_LINE ? json_parse(line, length) : NULL;
    const jvalue *op = json_get(message, "op");
    int quit = 0;
    if (!message || message->type != J_OBJECT || !op || op->type != J_STRING) {
        puts("{\"ok\":false,\"reason\":\"bad_request\"}");
    } else if (strcmp(op->s, "configure") == 0) {
        if (configured) {
            puts("{\"ok\":false,\"reason\":\"already_configured\"}");
        } else {
            const char *problem = configure(json_get(message, "settings"));
            if (problem) printf("{\"ok\":false,\"reason\":\"%s\"}\n", problem);
            else { configured = 1; puts("{\"ok\":true,\"name\":\"example-c\",\"protocol\":1}"); }
        }
    } else if (strcmp(op->s, "quit") == 0) {
        puts("{\"ok\":true}");
        quit = 1;
    } else if (strcmp(op->s, "tick") == 0 || strcmp(op->s, "event") == 0) {
        if (!configured) puts("{\"ok\":false,\"reason\":\"not_configured\"}");
        else if (op->s[0] == 't') { observation_t obs; pump_tick(&obs); emit_observation(&obs); }
        else handle_event(json_get(message, "event"));
    } else {
        puts("{\"ok\":false,\"reason\":\"bad_request\"}");
    }
    json_free(message);
    fflush(stdout);
    return quit;
}

int main(int argc, char **argv) {
    (void)argc; (void)argv; /* --json is accepted and ignored */
    char *line = NULL;
    size_t cap = 0;
    ssize_t length;
    while ((length = getline(&line, &cap, stdin)) > 0) {
        while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) length--;
        if (length == 0) continue;
        if (handle_line(line, (size_t)length)) break;
    }
    free(line);
    return 0;
}
