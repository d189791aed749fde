/* Test-only helper for installer/wine_check.py: runs the rest of its own command line exactly as
 * written (CreateProcess, as a deployment tool or `start /wait` on Windows does) and waits for that
 * process, returning its exit code. Wine's start.exe re-quotes the arguments, which turns
 * /PROVISION="a b.json" into "/PROVISION=a b.json", an option the installer no longer finds. */
#include <windows.h>

int wmain(void)
{
    STARTUPINFOW si = {sizeof(si)};
    PROCESS_INFORMATION pi;
    DWORD code = 1;
    /* A console program (cmd waits for it), so the rest of the command line is taken by hand. */
    PWSTR args = GetCommandLineW();
    if (*args == L'"') {
        for (args++; *args && *args != L'"'; args++)
            ;
        if (*args)
            args++;
    } else {
        while (*args && *args != L' ' && *args != L'\t')
            args++;
    }
    while (*args == L' ' || *args == L'\t')
        args++;
    if (!*args)
        return 2;
    if (!CreateProcessW(NULL, args, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return 9009;
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return (int)code;
}
