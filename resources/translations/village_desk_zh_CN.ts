<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EnrollPage</name>
    <message>
        <source>Enroll this laptop</source>
        <translation>注册这台电脑</translation>
    </message>
    <message>
        <source>Enrollment code</source>
        <translation>注册码</translation>
    </message>
    <message>
        <source>If county IT gave you a one-time enrollment code, type it here. You can also leave it empty and enroll later on the Sync page: you can start entering data right away.</source>
        <translation>如果县信息中心给了您一次性注册码，请在这里输入。也可以先空着，以后在“同步”页注册；现在就可以开始录入数据。</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The data file is damaged or was replaced, so it cannot be opened. Do not delete it; please call county IT.</source>
        <translation>数据文件已损坏或被替换，无法打开。请不要删除它，并联系县信息中心。</translation>
    </message>
    <message>
        <source>The data file could not be used.</source>
        <translation>无法使用数据文件。</translation>
    </message>
    <message>
        <source>This record no longer exists; it may have been deleted or changed by a sync.</source>
        <translation>这条记录已不存在，可能已被删除或在同步时被更改。</translation>
    </message>
    <message>
        <source>The computer could not read or write a file (is the disk full or read-only?).</source>
        <translation>电脑无法读写文件（磁盘是否已满或只读？）。</translation>
    </message>
    <message>
        <source>Something went wrong inside the program. What you saved before is safe.</source>
        <translation>程序内部出了问题。您之前保存的数据是安全的。</translation>
    </message>
    <message>
        <source>Village Data Desk</source>
        <translation>村级数据录入台</translation>
    </message>
</context>
<context>
    <name>HouseholdsPage</name>
    <message>
        <source>Choose a household on the left</source>
        <translation>请在左侧选择一户</translation>
    </message>
    <message>
        <source>Edit household</source>
        <translation>修改户信息</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>家庭户</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>Income</source>
        <translation>收入</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>Household {number} — {head}</source>
        <translation>户号 {number} — {head}</translation>
    </message>
</context>
<context>
    <name>LanguagePage</name>
    <message>
        <source>Welcome</source>
        <translation>欢迎使用</translation>
    </message>
    <message>
        <source>Choose the language of Village Data Desk.</source>
        <translation>请选择界面语言。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Village Data Desk — village {code}, {user}</source>
        <translation>村级数据录入台 — 村代码 {code}，用户 {user}</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>家庭户</translation>
    </message>
    <message>
        <source>Persons</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Income</source>
        <translation>收入</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>New record</source>
        <translation>新建记录</translation>
    </message>
    <message>
        <source>Add member</source>
        <translation>添加成员</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
</context>
<context>
    <name>Provisioning</name>
    <message>
        <source>The provisioning file cannot be read.</source>
        <translation>无法读取配置文件。</translation>
    </message>
    <message>
        <source>This is not a provisioning file.</source>
        <translation>这不是配置文件。</translation>
    </message>
    <message>
        <source>The provisioning file has unknown or missing entries. Ask county IT for a new one.</source>
        <translation>配置文件中有未知的项或缺少必需的项。请向县信息中心索取新的配置文件。</translation>
    </message>
    <message>
        <source>The server address must start with https:// (http:// only for this computer).</source>
        <translation>服务器地址必须以 https:// 开头（http:// 只能用于本机）。</translation>
    </message>
    <message>
        <source>The county certificate in the provisioning file is damaged.</source>
        <translation>配置文件中的县级证书已损坏。</translation>
    </message>
    <message>
        <source>The county recovery key in the provisioning file is damaged.</source>
        <translation>配置文件中的县级恢复密钥已损坏。</translation>
    </message>
    <message>
        <source>The village code must have 12 digits.</source>
        <translation>村代码必须是12位数字。</translation>
    </message>
    <message>
        <source>The county signature does not match the provisioning file: it was changed after signing, or is damaged. Ask county IT for a new one.</source>
        <translation>县级签名与配置文件内容不符：文件在签名后被改动过，或已损坏。请向县信息中心索取新的配置文件。</translation>
    </message>
    <message>
        <source>This laptop accepts only provisioning files signed by your county, and this one is not signed.</source>
        <translation>这台电脑只接受本县签名的配置文件，此文件没有签名。</translation>
    </message>
    <message>
        <source>This provisioning file was not signed by your county. Nothing was changed.</source>
        <translation>此配置文件不是本县签名的，未做任何更改。</translation>
    </message>
    <message>
        <source>This provisioning file is for another village. Nothing was changed.</source>
        <translation>此配置文件属于其他村，未做任何更改。</translation>
    </message>
    <message>
        <source>The provisioning file cannot be used.</source>
        <translation>无法使用这个配置文件。</translation>
    </message>
</context>
<context>
    <name>ProvisioningBox</name>
    <message>
        <source>County provisioning file</source>
        <translation>县级配置文件</translation>
    </message>
    <message>
        <source>When county IT sends a new provisioning file (a new server address or certificate), import it here. A file must be signed by the same county key as the first one.</source>
        <translation>县信息中心发来新的配置文件（新的服务器地址或证书）时，在这里导入。新文件必须由与第一个文件相同的县级密钥签名。</translation>
    </message>
    <message>
        <source>Import provisioning file…</source>
        <translation>导入配置文件…</translation>
    </message>
    <message>
        <source>Provisioning file</source>
        <translation>配置文件</translation>
    </message>
    <message>
        <source>Provisioning file (*.json)</source>
        <translation>配置文件 (*.json)</translation>
    </message>
    <message>
        <source>Imported. County server: {url}.</source>
        <translation>已导入。县级服务器：{url}。</translation>
    </message>
    <message>
        <source>The server changed: enroll again on the Sync page with a new code.</source>
        <translation>服务器已更换：请在“同步”页面用新的注册码重新注册。</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>Edit {form}</source>
        <translation>修改{form}</translation>
    </message>
    <message>
        <source>New {form}</source>
        <translation>新建{form}</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>RecordListPage</name>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Ctrl+N</translation>
    </message>
    <message>
        <source>Del</source>
        <translation>Del</translation>
    </message>
    <message>
        <source>Search household number, head of household or address  (Ctrl+F)</source>
        <translation>搜索户号、户主或地址  (Ctrl+F)</translation>
    </message>
    <message>
        <source>Search name, resident ID or household number  (Ctrl+F)</source>
        <translation>搜索姓名、身份证号或户号  (Ctrl+F)</translation>
    </message>
    <message>
        <source>Search household number or head of household  (Ctrl+F)</source>
        <translation>搜索户号或户主  (Ctrl+F)</translation>
    </message>
    <message>
        <source>Add member (Ctrl+M)</source>
        <translation>添加成员 (Ctrl+M)</translation>
    </message>
    <message>
        <source>Add income</source>
        <translation>添加收入</translation>
    </message>
    <message>
        <source>Add service</source>
        <translation>添加服务</translation>
    </message>
    <message>
        <source>{count} records</source>
        <translation>共 {count} 条</translation>
    </message>
    <message>
        <source>Delete this {form}? It is marked as deleted here and at the county after the next sync.</source>
        <translation>删除这条{form}记录吗？它会在本机标记为已删除，下次同步后县里也会标记删除。</translation>
    </message>
</context>
<context>
    <name>ServerPage</name>
    <message>
        <source>County server</source>
        <translation>县级服务器</translation>
    </message>
    <message>
        <source>County IT gives each village a provisioning file. You can also set this up later.</source>
        <translation>县信息中心为每个村提供配置文件。也可以以后再设置。</translation>
    </message>
    <message>
        <source>Use the provisioning file from county IT</source>
        <translation>使用县信息中心提供的配置文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Type the county server address</source>
        <translation>手动输入县级服务器地址</translation>
    </message>
    <message>
        <source>No server yet: work offline and set it up later</source>
        <translation>暂不设置服务器：先离线工作，以后再设置</translation>
    </message>
    <message>
        <source>Village code (12 digits)</source>
        <translation>村代码（12位）</translation>
    </message>
    <message>
        <source>Provisioning file</source>
        <translation>配置文件</translation>
    </message>
    <message>
        <source>Provisioning file (*.json)</source>
        <translation>配置文件 (*.json)</translation>
    </message>
    <message>
        <source>The provisioning file placed by county IT ({path}) cannot be used: {reason}</source>
        <translation>县信息中心放置的配置文件（{path}）无法使用：{reason}</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>Sync automatically when the county server is reachable</source>
        <translation>能连上县级服务器时自动同步</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Lock after no use for</source>
        <translation>无操作多久后锁定</translation>
    </message>
    <message>
        <source>Passphrase of {user}</source>
        <translation>{user} 的口令</translation>
    </message>
    <message>
        <source>Change passphrase</source>
        <translation>修改口令</translation>
    </message>
    <message>
        <source>Current passphrase</source>
        <translation>当前口令</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>新口令</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>再输一次</translation>
    </message>
    <message>
        <source>Village {code}. Data file: {path}</source>
        <translation>村代码 {code}。数据文件：{path}</translation>
    </message>
    <message>
        <source>The two new passphrases are not the same.</source>
        <translation>两次输入的新口令不一致。</translation>
    </message>
    <message>
        <source>The passphrase was changed.</source>
        <translation>口令已修改。</translation>
    </message>
    <message>
        <source>The current passphrase is wrong.</source>
        <translation>当前口令不正确。</translation>
    </message>
    <message>
        <source>The passphrase must have at least 8 characters.</source>
        <translation>口令至少要有8个字符。</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>Village Data Desk — first start</source>
        <translation>村级数据录入台 — 首次使用</translation>
    </message>
    <message>
        <source>Making the encrypted data file…</source>
        <translation>正在创建加密数据文件…</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>No county server set</source>
        <translation>未设置县级服务器</translation>
    </message>
    <message>
        <source>● Online</source>
        <translation>● 在线</translation>
    </message>
    <message>
        <source>○ Offline</source>
        <translation>○ 离线</translation>
    </message>
    <message>
        <source>{count} changes waiting to sync</source>
        <translation>{count} 条修改待同步</translation>
    </message>
    <message>
        <source>Nothing waiting to sync</source>
        <translation>没有待同步的修改</translation>
    </message>
    <message>
        <source>Never synced</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <source>Last sync: {time}</source>
        <translation>上次同步：{time}</translation>
    </message>
    <message>
        <source>{count} open conflicts</source>
        <translation>{count} 条冲突待处理</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>Sync with the county</source>
        <translation>与县里同步</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>County server</source>
        <translation>县级服务器</translation>
    </message>
    <message>
        <source>Save address</source>
        <translation>保存地址</translation>
    </message>
    <message>
        <source>Enroll</source>
        <translation>注册</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>This laptop</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Enrollment code</source>
        <translation>注册码</translation>
    </message>
    <message>
        <source>Refused by the county (correct these records)</source>
        <translation>被县里退回的记录（请修改）</translation>
    </message>
    <message>
        <source>This laptop is now enrolled.</source>
        <translation>这台电脑已注册。</translation>
    </message>
    <message>
        <source>Enrolled (device {device})</source>
        <translation>已注册（设备 {device}）</translation>
    </message>
    <message>
        <source>Not enrolled yet: enter the code from county IT.</source>
        <translation>尚未注册：请输入县信息中心提供的注册码。</translation>
    </message>
    <message>
        <source>No county server set up yet.</source>
        <translation>尚未设置县级服务器。</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <source>Sending changes: {done} of {total}</source>
        <translation>正在上传修改：{done} / {total}</translation>
    </message>
    <message>
        <source>Receiving records: {done} of {total}</source>
        <translation>正在下载记录：{done} / {total}</translation>
    </message>
    <message>
        <source>Receiving records: {done}</source>
        <translation>正在下载记录：{done}</translation>
    </message>
    <message>
        <source>Sync stopped. What was sent is kept; the rest goes next time.</source>
        <translation>同步已停止。已发送的数据会保留，其余的下次发送。</translation>
    </message>
    <message>
        <source>Enter the enrollment code from county IT.</source>
        <translation>请输入县信息中心提供的注册码。</translation>
    </message>
    <message>
        <source>Enrolling…</source>
        <translation>正在注册…</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>Village Data Desk — unlock</source>
        <translation>村级数据录入台 — 解锁</translation>
    </message>
    <message>
        <source>The village data on this laptop is locked. Enter your passphrase to open it.</source>
        <translation>本机的村级数据已锁定。请输入口令打开。</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Enter your user name and passphrase.</source>
        <translation>请输入用户名和口令。</translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation>正在打开…</translation>
    </message>
    <message>
        <source>Wrong passphrase.</source>
        <translation>口令不正确。</translation>
    </message>
    <message>
        <source>Too many wrong tries.</source>
        <translation>输错次数太多。</translation>
    </message>
    <message>
        <source>There is no such user on this laptop.</source>
        <translation>本机没有这个用户。</translation>
    </message>
    <message>
        <source>Try again in {seconds} s</source>
        <translation>{seconds} 秒后可重试</translation>
    </message>
</context>
<context>
    <name>UserPage</name>
    <message>
        <source>Your local user</source>
        <translation>本机用户</translation>
    </message>
    <message>
        <source>The passphrase locks the village data on this laptop. Choose at least 8 characters; a short sentence is easy to remember and hard to guess.</source>
        <translation>口令用来锁定本机的村级数据。至少8个字符；一句短话既好记又难猜。</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>再输一次</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>强度</translation>
    </message>
    <message>
        <source>Set up by county IT: village {village}, county server {url}.</source>
        <translation>已由县信息中心设置：村代码 {village}，县级服务器 {url}。</translation>
    </message>
    <message>
        <source>Very weak</source>
        <translation>很弱</translation>
    </message>
    <message>
        <source>Weak</source>
        <translation>弱</translation>
    </message>
    <message>
        <source>Fair</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>较强</translation>
    </message>
    <message>
        <source>Strong</source>
        <translation>强</translation>
    </message>
    <message>
        <source>Enter a user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <source>The passphrase must have at least 8 characters.</source>
        <translation>口令至少要有8个字符。</translation>
    </message>
    <message>
        <source>This passphrase is too easy to guess.</source>
        <translation>这个口令太容易被猜到。</translation>
    </message>
    <message>
        <source>The two passphrases are not the same.</source>
        <translation>两次输入的口令不一致。</translation>
    </message>
</context>
</TS>
