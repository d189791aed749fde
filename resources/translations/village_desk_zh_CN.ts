<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EnrollPage</name>
    <message>
        <source>Enroll this laptop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enrollment code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If county IT gave you a one-time enrollment code, type it here. You can also leave it empty and enroll later under Settings: you can start entering data right away.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The data file is damaged or was replaced, so it cannot be opened. Do not delete it; please call county IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The data file could not be used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This record no longer exists; it may have been deleted or changed by a sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The computer could not read or write a file (is the disk full or read-only?).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong inside the program. What you saved before is safe.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Village Data Desk</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HouseholdsPage</name>
    <message>
        <source>Choose a household on the left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit household</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Household</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Income</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Household {number} — {head}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LanguagePage</name>
    <message>
        <source>Welcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the language of Village Data Desk.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Village Data Desk — village {code}, {user}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Households</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Persons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Income</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>Edit {form}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New {form}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordListPage</name>
    <message>
        <source>New</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Del</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search household number, head of household or address  (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search name, resident ID or household number  (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search household number or head of household  (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add member (Ctrl+M)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add income</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete this {form}? It is marked as deleted here and at the county after the next sync.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServerPage</name>
    <message>
        <source>County server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>County IT gives each village a provisioning file. You can also set this up later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the provisioning file from county IT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the county server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No server yet: work offline and set it up later</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Village code (12 digits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Provisioning file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Provisioning file (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The provisioning file cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is not a provisioning file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server address must start with https:// (http:// only for this computer).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The county certificate in the provisioning file is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The county recovery key in the provisioning file is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The village code must have 12 digits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The provisioning file cannot be used.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>General</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync automatically when the county server is reachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock after no use for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passphrase of {user}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Current passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Village {code}. Data file: {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two new passphrases are not the same.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The passphrase was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The current passphrase is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The passphrase must have at least 8 characters.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>Village Data Desk — first start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Making the encrypted data file…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>No county server set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>● Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>○ Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} changes waiting to sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing waiting to sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never synced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last sync: {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} open conflicts</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>Village Data Desk — unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The village data on this laptop is locked. Enter your passphrase to open it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your user name and passphrase.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong passphrase.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many wrong tries.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no such user on this laptop.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again in {seconds} s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UserPage</name>
    <message>
        <source>Your local user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The passphrase locks the village data on this laptop. Choose at least 8 characters; a short sentence is easy to remember and hard to guess.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strength</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Very weak</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weak</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fair</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Good</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a user name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The passphrase must have at least 8 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This passphrase is too easy to guess.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two passphrases are not the same.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
