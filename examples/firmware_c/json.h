/* A tiny, reviewed JSON reader and writer helpers for target protocol v1.
 * Enough for objects, arrays, strings (with escapes), integers, floats (kept only
 * as "not an integer"), true/false/null. Bounded depth; never reads out of bounds. */
#ifndef PUMP_JSON_H
#define PUMP_JSON_H
#include <stddef.h>
#include <stdint.h>

typedef enum { J_NULL, J_BOOL, J_INT, J_FLOAT, J_STRING, J_ARRAY, J_OBJECT } jtype;

typedef struct jvalue {
    jtype type;
    int64_t i;          /* J_INT, J_BOOL */
    char *s;            /* J_STRING (NUL-terminated, may not contain NUL) */
    struct jvalue *items; /* J_ARRAY elements, J_OBJECT values */
    char **keys;        /* J_OBJECT keys */
    size_t n;
} jvalue;

/* Parses one JSON text; returns NULL when it is not valid JSON. Free with json_free. */
jvalue *json_parse(const char *text, size_t length);
void json_free(jvalue *v);
/* The member `key` of an object, or NULL. */
const jvalue *json_get(const jvalue *object, const char *key);
#endif
