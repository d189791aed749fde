/* Test-only stand-in for Windows 10's icuuc.dll under Wine 8, which has none. Qt6Core imports
 * these converter functions; every converter open fails (U_FILE_ACCESS_ERROR), so Qt falls back to
 * its built-in codecs (UTF-8/16/32, Latin-1, the system code page). Built by installer/wine_build.py
 * with mingw-w64 into the Wine prefix's system32; never part of the bundle or an installer. */
#include <stddef.h>
#include <stdint.h>

#define EXPORT __declspec(dllexport)
#define U_FILE_ACCESS_ERROR 4

EXPORT void *ucnv_open(const char *name, int *err)
{
    (void)name;
    if (err && *err <= 0)
        *err = U_FILE_ACCESS_ERROR;
    return NULL;
}
EXPORT void ucnv_close(void *cnv) { (void)cnv; }
EXPORT void ucnv_reset(void *cnv) { (void)cnv; }
EXPORT int8_t ucnv_getMaxCharSize(const void *cnv) { (void)cnv; return 4; }
EXPORT const char *ucnv_getName(const void *cnv, int *err) { (void)cnv; (void)err; return ""; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, int *err)
{
    (void)name; (void)standard; (void)err;
    return NULL;
}
EXPORT int32_t ucnv_toUCountPending(const void *cnv, int *err) { (void)cnv; (void)err; return 0; }
EXPORT int32_t ucnv_fromUCountPending(const void *cnv, int *err) { (void)cnv; (void)err; return 0; }
EXPORT void ucnv_getToUCallBack(const void *c, void **a, const void **b) { (void)c; if (a) *a = NULL; if (b) *b = NULL; }
EXPORT void ucnv_getFromUCallBack(const void *c, void **a, const void **b) { (void)c; if (a) *a = NULL; if (b) *b = NULL; }
EXPORT void ucnv_setToUCallBack(void *c, void *n, const void *nc, void **o, const void **oc, int *err)
{
    (void)c; (void)n; (void)nc; (void)o; (void)oc;
    if (err && *err <= 0)
        *err = U_FILE_ACCESS_ERROR;
}
EXPORT void ucnv_setFromUCallBack(void *c, void *n, const void *nc, void **o, const void **oc, int *err)
{
    (void)c; (void)n; (void)nc; (void)o; (void)oc;
    if (err && *err <= 0)
        *err = U_FILE_ACCESS_ERROR;
}
EXPORT void ucnv_cbToUWriteUChars(void *a, const void *s, int32_t l, int32_t o, int *err)
{
    (void)a; (void)s; (void)l; (void)o;
    if (err && *err <= 0)
        *err = U_FILE_ACCESS_ERROR;
}
EXPORT void ucnv_cbFromUWriteUChars(void *a, const void **s, const void *e, int32_t o, int *err)
{
    (void)a; (void)s; (void)e; (void)o;
    if (err && *err <= 0)
        *err = U_FILE_ACCESS_ERROR;
}
EXPORT void ucnv_toUnicode(void *c, void **t, const void *tl, const char **s, const char *sl,
                           int32_t *o, int8_t f, int *err)
{
    (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f;
    if (err && *err <= 0)
        *err = U_FILE_ACCESS_ERROR;
}
EXPORT void ucnv_fromUnicode(void *c, char **t, const char *tl, const void **s, const void *sl,
                             int32_t *o, int8_t f, int *err)
{
    (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f;
    if (err && *err <= 0)
        *err = U_FILE_ACCESS_ERROR;
}
/* Callbacks Qt passes to ucnv_set*CallBack: never called, since no converter opens. */
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(void) {}
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(void) {}
