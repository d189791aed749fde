; Village Data Desk (村级数据台): the Windows installer (NSIS 3, Unicode).
;
; python installer/build.py compiles it; by hand:
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DVERSION4=0.1.0.0 -DBUNDLE_DIR=dist\village-desk
;            -DOUTFILE=village-desk-0.1.0-setup.exe installer\village-desk.nsi
;
; Command line (county IT):
;   village-desk-setup.exe /S                       silent, per machine, default folder
;   village-desk-setup.exe /S /D=D:\Apps\VDD        another folder (/D= comes last, no quotes)
;   village-desk-setup.exe /S /PROVISION=\\server\share\provisioning.json   (/PROVISION="a b\c.json" with spaces)
;       copies that provisioning file to %PROGRAMDATA%\VillageDataDesk\provisioning.json
;       (a provisioning.json beside the installer is used when /PROVISION= is not given).
;       A /PROVISION= file that does not exist stops the install before anything is changed
;       (exit code 2).
;   uninstall.exe /S _?=C:\Program Files\VillageDataDesk
;                                                   removes the program, keeps every user's data;
;                                                   returns when done (_?= = the install folder, last;
;                                                   without it NSIS runs a copy from %TEMP% and
;                                                   returns at once, before anything is removed)
;   uninstall.exe /S /REMOVEDATA _?=...             also deletes the data, settings and the
;                                                   machine's provisioning file
; Installing a newer version over an older one replaces the program files and keeps the data.

Unicode true
ManifestDPIAware true
RequestExecutionLevel admin
; -DCOMPRESSION=zlib for a quick compile check (CI); the real installer is solid LZMA.
!ifndef COMPRESSION
  !define COMPRESSION "/SOLID lzma"
!endif
SetCompressor ${COMPRESSION}

!ifndef VERSION
  !error "define VERSION (e.g. -DVERSION=0.1.0)"
!endif
!ifndef VERSION4
  !define VERSION4 "${VERSION}.0"
!endif
!ifndef BUNDLE_DIR
  !error "define BUNDLE_DIR (the PyInstaller onedir bundle: dist\village-desk)"
!endif
!ifndef OUTFILE
  !define OUTFILE "village-desk-${VERSION}-setup.exe"
!endif

!define APP_DIR_NAME "VillageDataDesk"
!define APP_NAME_ZH "村级数据台"
!define APP_EXE "village-desk.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\VillageDataDesk"
!define APP_KEY "Software\VillageDataDesk"
!define PROFILE_LIST "SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList"
; Fixed, not a language string: the uninstaller may run in another language than the installer
; (installed as SYSTEM by SCCM, removed by a user) and must find the same name.
!define UNINSTALL_LNK "卸载${APP_NAME_ZH}"
; Versions up to 0.1.0 named it in the installer's language: the English one is removed too.
!define OLD_UNINSTALL_LNK_EN "Uninstall Village Data Desk"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "Sections.nsh"
!include "x64.nsh"

Name "$(AppName)"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP_DIR_NAME}"
; No InstallDirRegKey: NSIS reads it before .onInit, in the 32-bit registry view, and the key is in
; the 64-bit one. .onInit reads it after SetRegView 64.
BrandingText "$(AppName) ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductName" "Village Data Desk"
VIAddVersionKey /LANG=0 "FileDescription" "Village Data Desk installer"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "Village Data Desk"
VIAddVersionKey /LANG=0 "LegalCopyright" "Apache-2.0"

!define MUI_ABORTWARNING
!define MUI_ICON "${__FILEDIR__}\village-desk.ico"
!define MUI_UNICON "${__FILEDIR__}\village-desk.ico"
!define MUI_UNCOMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default where Windows' own language is neither.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString AppName ${LANG_SIMPCHINESE} "村级数据台"
LangString AppName ${LANG_ENGLISH} "Village Data Desk"
LangString Need64Bit ${LANG_SIMPCHINESE} "村级数据台需要 64 位 Windows 10 或更新版本。"
LangString Need64Bit ${LANG_ENGLISH} "Village Data Desk needs 64-bit Windows 10 or later."
LangString ProvisionMissing ${LANG_SIMPCHINESE} "找不到配置文件（/PROVISION=）："
LangString ProvisionMissing ${LANG_ENGLISH} "The provisioning file (/PROVISION=) was not found:"
LangString ProvisionCopyFailed ${LANG_SIMPCHINESE} "无法复制配置文件到："
LangString ProvisionCopyFailed ${LANG_ENGLISH} "The provisioning file could not be copied to:"
LangString ProvisionInstalled ${LANG_SIMPCHINESE} "已安装配置文件："
LangString ProvisionInstalled ${LANG_ENGLISH} "Provisioning file installed:"
LangString ProgramSection ${LANG_SIMPCHINESE} "程序（开始菜单和桌面快捷方式）"
LangString ProgramSection ${LANG_ENGLISH} "Program (Start menu and desktop shortcuts)"
LangString RemoveDataSection ${LANG_SIMPCHINESE} "同时删除本机所有用户的村级数据、设置和配置文件（未同步的修改将丢失）"
LangString RemoveDataSection ${LANG_ENGLISH} "Also delete every user's village data, settings and the provisioning file (unsynced changes are lost)"
LangString DataKept ${LANG_SIMPCHINESE} "数据已保留；重新安装后可继续使用。"
LangString DataKept ${LANG_ENGLISH} "The data was kept; a new install finds it again."

Var ProvisionSource

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "$(Need64Bit)" /SD IDOK
    SetErrorLevel 1
    Quit
  ${EndIf}
  SetRegView 64
  ; An upgrade goes where the old version went, unless /D= named another folder (NSIS has then
  ; already put it in $INSTDIR; the key is read here, in the 64-bit view it was written in).
  ${If} $INSTDIR == "$PROGRAMFILES64\${APP_DIR_NAME}"
    ReadRegStr $R9 HKLM "${APP_KEY}" "InstallDir"
    ${If} $R9 != ""
      StrCpy $INSTDIR $R9
    ${EndIf}
  ${EndIf}
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PROVISION=" $ProvisionSource
  ${If} ${Errors}
    StrCpy $ProvisionSource ""
    ${If} ${FileExists} "$EXEDIR\provisioning.json"
      StrCpy $ProvisionSource "$EXEDIR\provisioning.json"
    ${EndIf}
  ${EndIf}
  ; A named file that is not there stops the install before anything changes.
  ${If} $ProvisionSource != ""
    ${IfNot} ${FileExists} "$ProvisionSource"
      MessageBox MB_ICONSTOP "$(ProvisionMissing)$\r$\n$ProvisionSource" /SD IDOK
      SetErrorLevel 2
      Quit
    ${EndIf}
  ${EndIf}
FunctionEnd

Section "-Program" SecProgram
  SetShellVarContext all
  ; The provisioning file first: when it cannot be copied, nothing else has been written yet (no
  ; program files, uninstaller or shortcuts without an uninstall entry), and an older version
  ; already installed stays as it was.
  ${If} $ProvisionSource != ""
    ${IfNot} ${FileExists} "$APPDATA\${APP_DIR_NAME}\*.*"
      StrCpy $R8 "created"  ; the folder goes again if the copy fails
    ${EndIf}
    CreateDirectory "$APPDATA\${APP_DIR_NAME}"  ; context "all": $APPDATA is %PROGRAMDATA%
    ClearErrors
    CopyFiles /SILENT "$ProvisionSource" "$APPDATA\${APP_DIR_NAME}\provisioning.json"
    ${If} ${Errors}
      ${If} $R8 == "created"
        RMDir "$APPDATA\${APP_DIR_NAME}"
      ${EndIf}
      MessageBox MB_ICONSTOP "$(ProvisionCopyFailed)$\r$\n$APPDATA\${APP_DIR_NAME}\provisioning.json" /SD IDOK
      SetErrorLevel 3
      Abort
    ${EndIf}
    DetailPrint "$(ProvisionInstalled) $APPDATA\${APP_DIR_NAME}\provisioning.json"
  ${EndIf}

  SetOutPath "$INSTDIR"
  ; An upgrade: the old libraries go, so none that the new build dropped is left behind. The data
  ; lives in the users' profiles and in %PROGRAMDATA%, never here.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE_DIR}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP_NAME_ZH}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME_ZH}\${APP_NAME_ZH}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
  CreateShortcut "$SMPROGRAMS\${APP_NAME_ZH}\${UNINSTALL_LNK}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APP_NAME_ZH}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  WriteRegStr HKLM "${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${APP_KEY}" "Version" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "$(AppName)"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "Village Data Desk"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  ; _?= makes the uninstaller run in place and return when it is done (deployment tools check right
  ; after); without it NSIS starts a copy in %TEMP% and returns at once. It comes last.
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S _?=$INSTDIR'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

; ------------------------------------------------------------------------------------------------
; Uninstaller

Section "-un.$(ProgramSection)" SecUnProgram
  SetShellVarContext all
  Delete "$DESKTOP\${APP_NAME_ZH}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME_ZH}\${APP_NAME_ZH}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME_ZH}\${UNINSTALL_LNK}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME_ZH}\${OLD_UNINSTALL_LNK_EN}.lnk"
  RMDir "$SMPROGRAMS\${APP_NAME_ZH}"
  ; Only what the installer put here (and a provisioning file county IT placed beside the program).
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\provisioning.json"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "${APP_KEY}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  ; Run in place (_?=$INSTDIR, the QuietUninstallString): this program cannot delete itself while it
  ; runs. Everything else is gone when it returns; a detached cmd removes it and the folder once it
  ; has ended.
  ${If} ${FileExists} "$INSTDIR\uninstall.exe"
    Exec '"$SYSDIR\cmd.exe" /d /q /c for /l %i in (1,1,60) do @(ping -n 2 127.0.0.1 >nul 2>&1 & del /f /q "$INSTDIR\uninstall.exe" 2>nul & rd "$INSTDIR" 2>nul & if not exist "$INSTDIR\uninstall.exe" exit /b 0)'
  ${EndIf}
SectionEnd

; Unticked unless /REMOVEDATA is given: the data stays, and a new install finds it again.
Section /o "un.$(RemoveDataSection)" SecRemoveData
  SetShellVarContext all
  RMDir /r "$APPDATA\${APP_DIR_NAME}"  ; %PROGRAMDATA%\VillageDataDesk (provisioning file)
  ; Every profile's data (AppData\Local) and settings (AppData\Roaming), as platformdirs puts them.
  StrCpy $0 0
  ${Do}
    EnumRegKey $1 HKLM "${PROFILE_LIST}" $0
    ${If} $1 == ""
      ${Break}
    ${EndIf}
    ReadRegStr $2 HKLM "${PROFILE_LIST}\$1" "ProfileImagePath"
    ExpandEnvStrings $2 $2
    ${If} $2 != ""
      RMDir /r "$2\AppData\Local\${APP_DIR_NAME}"
      RMDir /r "$2\AppData\Roaming\${APP_DIR_NAME}"
    ${EndIf}
    IntOp $0 $0 + 1
  ${Loop}
SectionEnd

; After the sections: it names SecRemoveData.
Function un.onInit
  SetRegView 64
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/REMOVEDATA" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecRemoveData}
  ${EndIf}
FunctionEnd

Function un.onUninstSuccess
  ${IfNot} ${SectionIsSelected} ${SecRemoveData}
    IfSilent +2
    MessageBox MB_ICONINFORMATION "$(DataKept)"
  ${EndIf}
FunctionEnd
