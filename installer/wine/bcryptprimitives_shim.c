/* Test-only stand-in for Windows 10's bcryptprimitives.dll under Wine 8, which lacks ProcessPrng
 * (cryptography's Rust code calls it). Built by installer/wine_build.py with mingw-w64 into the
 * Wine prefix's system32; never part of the bundle or an installer. */
#include <windows.h>

typedef BOOLEAN(WINAPI *gen_random)(PVOID, ULONG);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    static gen_random fill;
    if (!fill) {
        HMODULE advapi = LoadLibraryA("advapi32.dll");
        fill = advapi ? (gen_random)(void *)GetProcAddress(advapi, "SystemFunction036") : NULL;
        if (!fill)
            return FALSE;
    }
    while (size > 0) {
        ULONG chunk = size > 0x10000000 ? 0x10000000 : (ULONG)size;
        if (!fill(data, chunk))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
