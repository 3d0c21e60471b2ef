; NSIS installer of Crucible for Windows control-room PCs.
;   makensis -DVERSION=1.2.0 -DBUNDLE=..\..\dist\crucible -DOUTFILE=crucible-1.2.0-setup.exe installers\windows\crucible.nsi
; Optional: -DSIGN="sh installers/windows/sign_exe" signs the uninstaller and the installer as
; makensis writes them (Authenticode through osslsigncode, see README.md in this folder).
; Installs the PyInstaller one-folder bundle under Program Files\Crucible, Start-menu and
; desktop shortcuts, and an uninstaller; user data (%LOCALAPPDATA%\crucible) is never removed.
Unicode true
!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef BUNDLE
  !define BUNDLE "..\..\dist\crucible"
!endif
!ifndef OUTFILE
  !define OUTFILE "crucible-${VERSION}-setup.exe"
!endif
!ifdef SIGN
  !finalize '${SIGN} "%1"' = 0
  !uninstfinalize '${SIGN} "%1"' = 0
!endif

!include "MUI2.nsh"

Name "Crucible ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\Crucible"
InstallDirRegKey HKLM "Software\Crucible" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
VIProductVersion "0.0.0.0"
VIAddVersionKey "ProductName" "Crucible"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "Crucible control-room HMI installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "CompanyName" "Crucible"
VIAddVersionKey "LegalCopyright" "Crucible"

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Crucible"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

Section "Crucible" SecMain
  SectionIn RO
  ; An upgrade replaces the program folder completely (no stale files of the old version).
  RMDir /r "$INSTDIR"
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "Software\Crucible" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "Crucible"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "Crucible"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\crucible.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  SetShellVarContext all
  CreateDirectory "$SMPROGRAMS\Crucible"
  CreateShortCut "$SMPROGRAMS\Crucible\Crucible.lnk" "$INSTDIR\crucible.exe"
  CreateShortCut "$SMPROGRAMS\Crucible\Uninstall Crucible.lnk" "$INSTDIR\uninstall.exe"
  CreateShortCut "$DESKTOP\Crucible.lnk" "$INSTDIR\crucible.exe"
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  Delete "$DESKTOP\Crucible.lnk"
  RMDir /r "$SMPROGRAMS\Crucible"
  RMDir /r "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "Software\Crucible"
  ; %LOCALAPPDATA%\crucible (settings, plant database, history spool) stays.
SectionEnd
