/* Test-only stand-in for mscms.dll under Wine 8, whose WcsCreateIccProfile is not implemented:
 * Qt's windows platform plugin calls it for the screen's colour profile and the app aborted into
 * Wine's crash debugger, which waits for ever (the GUI run that never exited). Here every colour
 * profile fails to open, so Qt keeps sRGB, as on a Windows screen without a profile. Built by
 * installer/wine_build.py with mingw-w64 into the Wine prefix's system32 and loaded instead of
 * Wine's own (WINEDLLOVERRIDES mscms=n); never part of the bundle or an installer. */
#include <windows.h>

typedef HANDLE HPROFILE;

__declspec(dllexport) HPROFILE WINAPI OpenColorProfileW(void *profile, DWORD access, DWORD share, DWORD creation)
{
    (void)profile; (void)access; (void)share; (void)creation;
    SetLastError(ERROR_FILE_NOT_FOUND);
    return NULL;
}

__declspec(dllexport) BOOL WINAPI CloseColorProfile(HPROFILE profile)
{
    (void)profile;
    return TRUE;
}

__declspec(dllexport) BOOL WINAPI GetColorProfileFromHandle(HPROFILE profile, BYTE *buffer, DWORD *size)
{
    (void)profile; (void)buffer;
    if (size)
        *size = 0;
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
}

__declspec(dllexport) HPROFILE WINAPI WcsCreateIccProfile(HPROFILE profile, DWORD options)
{
    (void)profile; (void)options;
    SetLastError(ERROR_INVALID_HANDLE);
    return NULL;
}
