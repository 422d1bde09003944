/* The pump state machine of the example firmware (target protocol v1).
 * Integer arithmetic for insulin (mU), time (min) and glucose (mg/dL); insulin on board
 * from the protocol's exponential curve, exact per minute. */
#ifndef PUMP_PUMP_H
#define PUMP_PUMP_H
#include <stdbool.h>
#include <stdint.h>

#define DAY 1440
#define MAX_SEGMENTS 48
#define N_ALARMS 12

typedef int64_t i64;

typedef struct {
    i64 pulse, bolus_rate, max_bolus, max_basal, max_daily, max_iob, dia, peak, capacity,
        low_reservoir, occl_max, max_suspend, lgs, stale, auto_off;
    int n_segments;
    i64 seg_start[MAX_SEGMENTS], seg_rate[MAX_SEGMENTS];
} settings_t;

typedef struct {
    i64 t, delivered, reservoir, iob, basal_rate;
    const char *mode;
    bool alarms[N_ALARMS];
    bool accepted;
    const char *reason; /* NULL when accepted */
} observation_t;

extern const char *const ALARM_NAMES[N_ALARMS];

/* Event kinds the protocol knows. */
typedef enum {
    EV_BOLUS, EV_CANCEL_BOLUS, EV_TEMP_BASAL, EV_CANCEL_TEMP, EV_SCHEDULE, EV_SUSPEND, EV_RESUME,
    EV_CGM, EV_CLOCK, EV_FILL, EV_ACK, EV_FAULT, EV_RESTART
} event_kind;

typedef struct {
    event_kind kind;
    i64 amount, extended, extended_min, rate, duration, glucose, offset, reservoir;
    bool automated;
    const char *id;
    int code; /* alarm index (ack) or fault index (fault) */
    int n_segments;
    i64 seg_start[MAX_SEGMENTS], seg_rate[MAX_SEGMENTS];
} event_t;

/* Returns NULL when valid, else a reason text. */
const char *pump_configure(const settings_t *settings);
void pump_tick(observation_t *obs);
void pump_event(const event_t *event, observation_t *obs);
/* The observation of a refused malformed event (state unchanged). */
void pump_refuse(const char *reason, observation_t *obs);
#endif
