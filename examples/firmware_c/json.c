/* See json.h. Recursive descent with a depth limit; every read checks the end. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

typedef struct { const char *p, *end; int depth; } reader;

static void skip_ws(reader *r) {
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int parse_value(reader *r, jvalue *out);

static void free_inner(jvalue *v) {
    if (!v) return;
    free(v->s);
    for (size_t k = 0; k < v->n; k++) {
        if (v->items) free_inner(&v->items[k]);
        if (v->keys) free(v->keys[k]);
    }
    free(v->items);
    free(v->keys);
}

void json_free(jvalue *v) {
    if (!v) return;
    free_inner(v);
    free(v);
}

static int parse_string(reader *r, char **out) {
    if (r->p >= r->end || *r->p != '"') return 0;
    r->p++;
    size_t cap = 16, len = 0;
    char *buf = malloc(cap);
    if (!buf) return 0;
    while (r->p < r->end && *r->p != '"') {
        char c = *r->p++;
        if ((unsigned char)c < 0x20) { free(buf); return 0; }
        if (c == '\\') {
            if (r->p >= r->end) { free(buf); return 0; }
            char e = *r->p++;
            switch (e) {
            case '"': c = '"'; break;   case '\\': c = '\\'; break;
            case '/': c = '/'; break;   case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;  case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;  case 't': c = '\t'; break;
            case 'u': {
                if (r->end - r->p < 4) { free(buf); return 0; }
                for (int k = 0; k < 4; k++) {
                    char h = r->p[k];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
                        free(buf); return 0;
                    }
                }
                r->p += 4;
                c = '?'; /* ids and codes are ASCII; other code points are kept as '?' */
                break;
            }
            default: free(buf); return 0;
            }
        }
        if (len + 2 > cap) {
            cap *= 2;
            char *grown = realloc(buf, cap);
            if (!grown) { free(buf); return 0; }
            buf = grown;
        }
        buf[len++] = c;
    }
    if (r->p >= r->end) { free(buf); return 0; }
    r->p++; /* closing quote */
    buf[len] = '\0';
    *out = buf;
    return 1;
}

static int parse_number(reader *r, jvalue *out) {
    const char *start = r->p;
    int is_float = 0;
    if (r->p < r->end && *r->p == '-') r->p++;
    if (r->p >= r->end || *r->p < '0' || *r->p > '9') return 0;
    while (r->p < r->end && ((*r->p >= '0' && *r->p <= '9') || *r->p == '.' || *r->p == 'e' ||
                             *r->p == 'E' || *r->p == '+' || *r->p == '-')) {
        if (*r->p == '.' || *r->p == 'e' || *r->p == 'E') is_float = 1;
        r->p++;
    }
    size_t len = (size_t)(r->p - start);
    if (len > 19) is_float = 1; /* beyond int64: not an integer we accept */
    if (is_float) { out->type = J_FLOAT; return 1; }
    char tmp[24];
    memcpy(tmp, start, len);
    tmp[len] = '\0';
    char *endp;
    long long value = strtoll(tmp, &endp, 10);
    if (*endp != '\0') return 0;
    out->type = J_INT;
    out->i = value;
    return 1;
}

static int parse_container(reader *r, jvalue *out, int object) {
    char close = object ? '}' : ']';
    r->p++;
    if (++r->depth > MAX_DEPTH) return 0;
    out->type = object ? J_OBJECT : J_ARRAY;
    size_t cap = 0;
    skip_ws(r);
    if (r->p < r->end && *r->p == close) { r->p++; r->depth--; return 1; }
    for (;;) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 4;
            jvalue *items = realloc(out->items, cap * sizeof *items);
            if (!items) return 0;
            out->items = items;
            if (object) {
                char **keys = realloc(out->keys, cap * sizeof *keys);
                if (!keys) return 0;
                out->keys = keys;
            }
        }
        memset(&out->items[out->n], 0, sizeof out->items[0]);
        if (object) {
            out->keys[out->n] = NULL;
            skip_ws(r);
            if (!parse_string(r, &out->keys[out->n])) { out->n++; return 0; }
            skip_ws(r);
            if (r->p >= r->end || *r->p != ':') { out->n++; return 0; }
            r->p++;
        }
        out->n++;
        skip_ws(r);
        if (!parse_value(r, &out->items[out->n - 1])) return 0;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') { r->p++; continue; }
        if (r->p < r->end && *r->p == close) { r->p++; r->depth--; return 1; }
        return 0;
    }
}

static int match(reader *r, const char *word) {
    size_t len = strlen(word);
    if ((size_t)(r->end - r->p) < len || memcmp(r->p, word, len) != 0) return 0;
    r->p += len;
    return 1;
}

static int parse_value(reader *r, jvalue *out) {
    skip_ws(r);
    if (r->p >= r->end) return 0;
    switch (*r->p) {
    case '{': return parse_container(r, out, 1);
    case '[': return parse_container(r, out, 0);
    case '"': out->type = J_STRING; return parse_string(r, &out->s);
    case 't': out->type = J_BOOL; out->i = 1; return match(r, "true");
    case 'f': out->type = J_BOOL; out->i = 0; return match(r, "false");
    case 'n': out->type = J_NULL; return match(r, "null");
    default: return parse_number(r, out);
    }
}

jvalue *json_parse(const char *text, size_t length) {
    reader r = {text, text + length, 0};
    jvalue *v = calloc(1, sizeof *v);
    if (!v) return NULL;
    if (!parse_value(&r, v)) { json_free(v); return NULL; }
    skip_ws(&r);
    if (r.p != r.end) { json_free(v); return NULL; }
    return v;
}

const jvalue *json_get(const jvalue *object, const char *key) {
    if (!object || object->type != J_OBJECT) return NULL;
    for (size_t k = 0; k < object->n; k++)
        if (object->keys[k] && strcmp(object->keys[k], key) == 0) return &object->items[k];
    return NULL;
}
