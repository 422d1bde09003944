/* See pump.h. The rules follow target protocol v1 in the order the protocol states them.
 * Planted bugs (for pumpproof's tests) are compile-time switches named BUG_*. */
#include "pump.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const ALARM_NAMES[N_ALARMS] = {
    "auto_off", "battery_depleted", "battery_low", "cgm_stale", "low_glucose", "max_daily_total",
    "max_iob", "motor", "occlusion", "reservoir_empty", "reservoir_low", "suspend_too_long"};
enum { A_AUTO_OFF, A_BATT_DEPLETED, A_BATT_LOW, A_CGM_STALE, A_LOW, A_MAX_DAILY, A_MAX_IOB,
       A_MOTOR, A_OCCLUSION, A_RES_EMPTY, A_RES_LOW, A_SUSPEND_LONG };
/* Stopping alarms, latched: occlusion, reservoir_empty, battery_depleted, motor, auto_off. */
enum { L_OCCL, L_RES, L_BATT, L_MOTOR, L_AUTO_OFF, N_LATCH };

static settings_t S;
static struct {
    i64 t, offset, suspend_since, reservoir;
    bool suspended;
    i64 bolus_now, ext_left, ext_min_left, ext_q, ext_r, ext_n, ext_acc, basal_acc;
    bool temp_on, temp_auto;
    i64 temp_rate, temp_end;
    int n_segments;
    i64 seg_start[MAX_SEGMENTS], seg_rate[MAX_SEGMENTS];
    bool cgm_seen;
    i64 cgm_value, cgm_t;
    bool occluded, batt_low, batt_depleted, motor;
    i64 occl_pushed, last_interaction;
    bool latched[N_LATCH], acked[N_LATCH];
    i64 ring[DAY]; /* delivered per minute, indexed by minute mod 1440 */
    i64 daily_sum; /* delivered in the last 1440 minutes */
    i64 day_total; /* BUG_DAILY_TOTAL_MIDNIGHT_RESET: delivered since local midnight */
    double *frac;  /* IOB fraction by age in minutes, [0, dia) */
    char **ids;
    size_t n_ids, cap_ids;
} P;

static i64 min64(i64 a, i64 b) { return a < b ? a : b; }
static i64 max64(i64 a, i64 b) { return a > b ? a : b; }
static i64 mod(i64 a, i64 m) { i64 r = a % m; return r < 0 ? r + m : r; }

const char *pump_configure(const settings_t *s) {
    if (s->pulse <= 0) return "invalid_settings: pulse_mU must be > 0";
    if (s->bolus_rate < s->pulse) return "invalid_settings: bolus_rate_mU_per_min below one pulse";
    if (2 * s->peak >= s->dia || s->peak <= 0) return "invalid_settings: 2·peak_min must be < dia_min";
    if (s->low_reservoir >= s->capacity) return "invalid_settings: low_reservoir_mU >= capacity";
    if (s->max_suspend <= 0 || s->stale <= 0 || s->auto_off < 0 || s->max_bolus <= 0 ||
        s->max_basal < 0 || s->max_daily < 0 || s->max_iob < 0 || s->capacity <= 0 ||
        s->occl_max <= 0)
        return "invalid_settings: a limit is out of range";
    if (s->n_segments < 1 || s->seg_start[0] != 0) return "invalid_settings: basal_schedule";
    for (int k = 0; k < s->n_segments; k++) {
        if (s->seg_rate[k] < 0 || s->seg_rate[k] > s->max_basal || s->seg_start[k] >= DAY ||
            (k > 0 && s->seg_start[k] <= s->seg_start[k - 1]))
            return "invalid_settings: basal_schedule";
    }
    S = *s;
    memset(&P, 0, sizeof P);
    P.reservoir = s->capacity;
    P.n_segments = s->n_segments;
    memcpy(P.seg_start, s->seg_start, sizeof P.seg_start);
    memcpy(P.seg_rate, s->seg_rate, sizeof P.seg_rate);
    P.ext_n = 1;
    P.frac = calloc((size_t)s->dia, sizeof *P.frac);
    if (!P.frac) return "invalid_settings: out of memory";
    double td = (double)s->dia, tp = (double)s->peak;
    double tau = tp * (1 - tp / td) / (1 - 2 * tp / td), a = 2 * tau / td;
    double big_s = 1 / (1 - a + (1 + a) * exp(-td / tau));
    for (i64 m = 0; m < s->dia; m++) {
        double t = (double)m;
        P.frac[m] = 1 - big_s * (1 - a) * ((t * t / (tau * td * (1 - a)) - t / tau - 1) * exp(-t / tau) + 1);
    }
    return NULL;
}

/* Insulin on board at minute `now`: insulin of minute m is now-1-m minutes old. */
static double iob_at(i64 now) {
    double total = 0;
    for (i64 age = 0; age < S.dia && age < DAY; age++) {
        i64 m = now - 1 - age;
        if (m < 0) break;
        total += (double)P.ring[mod(m, DAY)] * P.frac[age];
    }
    return total;
}

static bool stopped(void) {
    for (int k = 0; k < N_LATCH; k++) if (P.latched[k]) return true;
    return false;
}
static bool running(void) { return !stopped() && !P.suspended; }
static bool fresh(void) { return P.cgm_seen && P.t - P.cgm_t <= S.stale; }
static bool low(void) { return fresh() && P.cgm_value <= S.lgs; }
static bool temp_now(void) { return P.temp_on && P.t < P.temp_end; }
static i64 pending(void) { return P.bolus_now + P.ext_left; }
static i64 daily_count(void) {
#ifdef BUG_DAILY_TOTAL_MIDNIGHT_RESET
    return P.day_total;
#else
    return P.daily_sum;
#endif
}

static i64 scheduled_rate(void) {
    i64 tod = mod(P.t + P.offset, DAY);
    i64 rate = P.seg_rate[0];
    for (int k = 0; k < P.n_segments; k++) if (P.seg_start[k] <= tod) rate = P.seg_rate[k];
    return rate;
}

static i64 basal_rate_now(void) {
    if (!running() || low()) return 0;
    return temp_now() ? P.temp_rate : scheduled_rate();
}

static void cancel_bolus(void) { P.bolus_now = P.ext_left = P.ext_min_left = P.ext_acc = 0; }

static const char *mode_name(void) {
    return stopped() ? "stopped" : P.suspended ? "suspended" : "running";
}

static bool auto_off_expired(void) {
    return S.auto_off > 0 && P.t - P.last_interaction >= S.auto_off;
}

/* Rules that hold after every request: temp basal expiry, latching, suspension start. */
static void settle(const char *mode_before, bool occlusion_detected) {
    if (P.temp_on && (P.t >= P.temp_end || (P.temp_auto && !fresh()))) P.temp_on = false;
    bool cause[N_LATCH] = {P.occluded, P.reservoir < S.pulse, P.batt_depleted, P.motor,
                           auto_off_expired()};
    bool raise[N_LATCH] = {occlusion_detected, P.reservoir < S.pulse, P.batt_depleted, P.motor,
                           auto_off_expired()};
    bool newly = false;
    for (int k = 0; k < N_LATCH; k++) {
        bool was = P.latched[k];
#ifdef BUG_ALARM_CLEARS_ON_ACK
        bool cleared = was && P.acked[k] && (cause[k] || !cause[k]); /* the cause is ignored */
#else
        bool cleared = was && P.acked[k] && !cause[k];
#endif
        bool now = (was && !cleared) || raise[k];
        if (!was && now) { newly = true; P.acked[k] = false; }
        if (!now) P.acked[k] = false;
        P.latched[k] = now;
    }
    if (newly) { cancel_bolus(); P.temp_on = false; P.suspended = true; }
    if (strcmp(mode_name(), "suspended") == 0 && strcmp(mode_before, "suspended") != 0)
        P.suspend_since = P.t;
}

static void observe(observation_t *obs, i64 delivered, const char *reason) {
    double iob = iob_at(P.t);
    obs->t = P.t;
    obs->delivered = delivered;
    obs->reservoir = P.reservoir;
    obs->iob = (i64)llround(iob);
    obs->basal_rate = basal_rate_now();
    obs->mode = mode_name();
    memset(obs->alarms, 0, sizeof obs->alarms);
    obs->alarms[A_AUTO_OFF] = P.latched[L_AUTO_OFF];
    obs->alarms[A_BATT_DEPLETED] = P.latched[L_BATT];
    obs->alarms[A_BATT_LOW] = P.batt_low || P.batt_depleted; /* S10: depleted is also low */
    obs->alarms[A_CGM_STALE] = P.cgm_seen && !fresh();
    obs->alarms[A_LOW] = low();
    obs->alarms[A_MAX_DAILY] = daily_count() + pending() + S.pulse > S.max_daily;
    obs->alarms[A_MAX_IOB] = temp_now() && P.temp_auto && running() && !low() &&
                             iob + (double)S.pulse > (double)S.max_iob;
    obs->alarms[A_MOTOR] = P.latched[L_MOTOR];
    obs->alarms[A_OCCLUSION] = P.latched[L_OCCL];
    obs->alarms[A_RES_EMPTY] = P.latched[L_RES];
    obs->alarms[A_RES_LOW] = P.reservoir <= S.low_reservoir;
    obs->alarms[A_SUSPEND_LONG] = strcmp(mode_name(), "suspended") == 0 &&
                                  P.t - P.suspend_since > S.max_suspend;
    obs->accepted = reason == NULL;
    obs->reason = reason;
}

void pump_refuse(const char *reason, observation_t *obs) { observe(obs, 0, reason); }

void pump_tick(observation_t *obs) {
    const char *before = mode_name();
    i64 t = P.t;
    bool run = running();
    i64 rate = basal_rate_now();
    i64 slot = mod(t, DAY);
    P.daily_sum -= P.ring[slot]; /* minute t-1440 leaves the window */
    P.ring[slot] = 0;
    if (mod(t + P.offset, DAY) == 0) P.day_total = 0;
    i64 step = S.bolus_rate / S.pulse * S.pulse;
    i64 now_part = run ? min64(P.bolus_now, step) : 0;
    bool ext_active = run && P.ext_min_left > 0;
    i64 acc = P.ext_acc + P.ext_r;
    bool extra = acc >= P.ext_n;
    i64 ext_part = ext_active ? min64((P.ext_q + (extra ? 1 : 0)) * S.pulse, P.ext_left) : 0;
    if (ext_active) P.ext_acc = acc - (extra ? P.ext_n : 0);
    P.basal_acc += rate;
    i64 pulses = P.basal_acc / (60 * S.pulse);
    P.basal_acc -= pulses * 60 * S.pulse;
    i64 room = S.max_daily - daily_count() - pending();
    pulses = min64(pulses, max64(room, 0) / S.pulse);
    if (temp_now() && P.temp_auto) {
        double room_iob = (double)S.max_iob - iob_at(t + 1) - (double)(now_part + ext_part);
        i64 allowed = room_iob > 0 ? (i64)floor(room_iob / (double)S.pulse + 1e-9) : 0;
        pulses = min64(pulses, allowed);
    }
    i64 desired = now_part + ext_part + pulses * S.pulse;
    i64 after_reservoir = min64(desired, P.reservoir / S.pulse * S.pulse);
    i64 occl_cap = max64(S.occl_max - 1 - P.occl_pushed, 0) / S.pulse * S.pulse;
#ifdef BUG_OCCLUSION_WRONG_COMPARE
    bool detected = P.occluded && after_reservoir < occl_cap;
    i64 delivered = after_reservoir;
#else
    bool detected = P.occluded && after_reservoir > occl_cap;
    i64 delivered = P.occluded ? min64(after_reservoir, occl_cap) : after_reservoir;
#endif
    P.t = t + 1;
    P.bolus_now -= now_part;
    P.ext_left -= ext_part;
    if (ext_active) P.ext_min_left -= 1;
    P.reservoir -= delivered;
    if (P.occluded) P.occl_pushed += delivered;
    P.ring[slot] = delivered;
    P.daily_sum += delivered;
    P.day_total += delivered;
    settle(before, detected);
    observe(obs, delivered, NULL);
}

static bool seen(const char *id) {
    for (size_t k = 0; k < P.n_ids; k++) if (strcmp(P.ids[k], id) == 0) return true;
    return false;
}

static void remember(const char *id) {
    if (seen(id)) return;
    if (P.n_ids == P.cap_ids) {
        size_t cap = P.cap_ids ? 2 * P.cap_ids : 64;
        char **grown = realloc(P.ids, cap * sizeof *grown);
        if (!grown) return;
        P.ids = grown;
        P.cap_ids = cap;
    }
    char *copy = malloc(strlen(id) + 1);
    if (!copy) return;
    strcpy(copy, id);
    P.ids[P.n_ids++] = copy;
}

static void interact(bool yes) { if (yes) P.last_interaction = P.t; }

void pump_event(const event_t *e, observation_t *obs) {
    const char *before = mode_name();
    const char *reason = NULL;
    bool is_stopped = stopped(), is_suspended = !is_stopped && P.suspended;
    switch (e->kind) {
    case EV_BOLUS: {
        i64 total = e->amount + e->extended;
        if (e->amount < 0 || e->extended < 0 || e->extended_min < 0 || e->extended_min > DAY ||
            (e->extended > 0 && e->extended_min <= 0) || total <= 0) { reason = "bad_request"; break; }
        if (seen(e->id)) reason = "replayed_id";
        else if (e->amount % S.pulse || e->extended % S.pulse) reason = "not_whole_pulses";
        else if (is_stopped) reason = "stopped";
        else if (is_suspended) reason = "suspended";
#ifdef BUG_OFF_BY_ONE_MAX_BOLUS
        else if (total > S.max_bolus + S.pulse) reason = "exceeds_max_bolus";
#else
        else if (total > S.max_bolus) reason = "exceeds_max_bolus";
#endif
        else if (pending() > 0) reason = "bolus_in_progress";
        else if (e->automated && !fresh()) reason = "cgm_stale";
        else if (e->automated && low()) reason = "low_glucose";
        else if (e->automated && iob_at(P.t) + (double)total > (double)S.max_iob) reason = "exceeds_max_iob";
        else if (daily_count() + total > S.max_daily) reason = "exceeds_max_daily_total";
        remember(e->id);
        interact(!e->automated);
        if (!reason) {
            i64 n = e->extended_min > 0 ? e->extended_min : 1, p = e->extended / S.pulse;
            P.bolus_now = e->amount;
            P.ext_left = e->extended;
            P.ext_min_left = e->extended > 0 ? e->extended_min : 0;
            P.ext_q = p / n;
            P.ext_r = p % n;
            P.ext_n = n;
            P.ext_acc = 0;
        }
        break;
    }
    case EV_TEMP_BASAL:
        if (e->rate < 0 || e->duration < 1 || e->duration > 4320) { reason = "bad_request"; break; }
        if (seen(e->id)) reason = "replayed_id";
        else if (is_stopped) reason = "stopped";
        else if (is_suspended) reason = "suspended";
        else if (e->rate > S.max_basal) reason = "exceeds_max_basal";
        else if (e->automated && e->rate > 0 && !fresh()) reason = "cgm_stale";
        else if (e->automated && e->rate > 0 && low()) reason = "low_glucose";
        remember(e->id);
        interact(!e->automated);
        if (!reason) {
            P.temp_on = true; P.temp_rate = e->rate; P.temp_end = P.t + e->duration;
            P.temp_auto = e->automated;
        }
        break;
    case EV_CANCEL_BOLUS: cancel_bolus(); interact(true); break;
    case EV_CANCEL_TEMP: P.temp_on = false; interact(true); break;
    case EV_SCHEDULE:
        for (int k = 0; k < e->n_segments; k++)
            if (e->seg_rate[k] > S.max_basal) reason = "exceeds_max_basal";
        if (!reason) {
            P.n_segments = e->n_segments;
            memcpy(P.seg_start, e->seg_start, sizeof P.seg_start);
            memcpy(P.seg_rate, e->seg_rate, sizeof P.seg_rate);
        }
        interact(true);
        break;
    case EV_SUSPEND:
        cancel_bolus(); P.temp_on = false; P.suspended = true; interact(!e->automated);
        break;
    case EV_RESUME:
        if (is_stopped) reason = "stopped";
        /* S9: only resuming a suspended pump adds insulin; while running it has no effect */
        else if (e->automated && is_suspended && !fresh()) reason = "cgm_stale";
        else if (e->automated && is_suspended && low()) reason = "low_glucose";
        if (!reason) P.suspended = false;
        interact(!e->automated);
        break;
    case EV_CGM:
        if (e->glucose < 1 || e->glucose > 1000) { reason = "bad_request"; break; }
        P.cgm_seen = true; P.cgm_value = e->glucose; P.cgm_t = P.t;
        break;
    case EV_CLOCK:
        if (e->offset < -DAY || e->offset > DAY) { reason = "bad_request"; break; }
        P.offset = e->offset; interact(true);
        break;
    case EV_FILL:
        if (e->reservoir < 0) { reason = "bad_request"; break; }
        if (e->reservoir % S.pulse) reason = "not_whole_pulses";
        else if (running()) reason = "not_suspended";
        else if (e->reservoir > S.capacity) reason = "exceeds_capacity";
        if (!reason) P.reservoir = e->reservoir;
        interact(true);
        break;
    case EV_ACK: {
        static const int latch_of_alarm[N_ALARMS] = {L_AUTO_OFF, L_BATT, -1, -1, -1, -1, -1,
                                                     L_MOTOR, L_OCCL, L_RES, -1, -1};
        int latch = latch_of_alarm[e->code];
        if (latch >= 0 && P.latched[latch]) P.acked[latch] = true;
        if (e->code == A_SUSPEND_LONG && strcmp(mode_name(), "suspended") == 0 &&
            P.t - P.suspend_since > S.max_suspend)
            P.suspend_since = P.t;
        interact(true);
        break;
    }
    case EV_FAULT:
        switch (e->code) {
        case 0: if (!P.occluded) { P.occluded = true; P.occl_pushed = 0; } break;
        case 1: P.occluded = false; P.occl_pushed = 0; break;
        case 2: P.batt_low = true; break;
        case 3: P.batt_depleted = true; break;
        case 4: P.batt_low = P.batt_depleted = false; break;
        case 5: P.motor = true; break;
        case 6: P.motor = false; break;
        default: break;
        }
        break;
    case EV_RESTART:
        cancel_bolus(); P.temp_on = false; P.basal_acc = 0;
        break;
    }
    settle(before, false);
    observe(obs, 0, reason);
}
