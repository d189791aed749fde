<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackupBox</name>
    <message>
        <source>Backup</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>Copy all of this village&apos;s data to one encrypted file, for example on a USB stick. Copying the data file by hand is not a backup: its keys and its latest changes are in other files beside it. The backup opens with the passphrases of today. To restore it, close the program and run: village-desk --restore-backup FILE</source>
        <translation>把本村的全部数据复制成一个加密文件，例如存到 U 盘上。手工复制数据文件不算备份：它的密钥和最近的修改在旁边的其他文件里。备份用今天的口令打开。恢复时请先关闭程序，再运行：village-desk --restore-backup 文件</translation>
    </message>
    <message>
        <source>Back up to a file…</source>
        <translation>备份到文件…</translation>
    </message>
    <message>
        <source>village-backup-{code}-{day}.vddbak</source>
        <translation>村数据备份-{code}-{day}.vddbak</translation>
    </message>
    <message>
        <source>Back up to a file</source>
        <translation>备份到文件</translation>
    </message>
    <message>
        <source>Village Data Desk backup (*.vddbak)</source>
        <translation>村级数据台备份 (*.vddbak)</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <source>Backed up to {path}</source>
        <translation>已备份到 {path}</translation>
    </message>
    <message>
        <source>The backup was not written: {reason}</source>
        <translation>备份没有写成：{reason}</translation>
    </message>
</context>
<context>
    <name>BulkDialog</name>
    <message>
        <source>Decide {n} items together</source>
        <translation>一并处理 {n} 项</translation>
    </message>
    <message>
        <source>{n} items: {fields}. Each is decided on its own and kept in the history.</source>
        <translation>共 {n} 项：{fields}。每一项单独处理，并分别记入处理记录。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Keep the county value</source>
        <translation>保留县级数值</translation>
    </message>
    <message>
        <source>Take the newest village value</source>
        <translation>采用最新的村级数值</translation>
    </message>
    <message>
        <source>Type one new value for all</source>
        <translation>统一录入新数值</translation>
    </message>
    <message>
        <source>Keep the records deleted</source>
        <translation>维持删除</translation>
    </message>
    <message>
        <source>Restore the records with the village&apos;s edits</source>
        <translation>恢复记录（采用村里的修改）</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>新数值</translation>
    </message>
    <message>
        <source>Why? (required, kept in the history of each item)</source>
        <translation>处理理由（必填，记入每一项的处理记录）</translation>
    </message>
    <message>
        <source>Keys: ↑ ↓ choose, Tab to the note, Ctrl+Enter decides all, Esc closes.</source>
        <translation>按键：↑ ↓ 选择处理方式，Tab 到说明，Ctrl+Enter 全部确定，Esc 关闭。</translation>
    </message>
    <message>
        <source>Decide all (Ctrl+Enter)</source>
        <translation>全部确定 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>处理方式</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Keys: ↑ ↓ choose, Tab to the new value, Tab again to the note, Ctrl+Enter decides all, Esc closes.</source>
        <translation>按键：↑ ↓ 选择处理方式，Tab 到新数值，再按 Tab 到说明，Ctrl+Enter 全部确定，Esc 关闭。</translation>
    </message>
    <message>
        <source>Type the new value first.</source>
        <translation>请先录入新数值。</translation>
    </message>
    <message>
        <source>These items cannot be decided together: choose items of one field.</source>
        <translation>这些事项不能一并处理：请选择同一字段的事项。</translation>
    </message>
    <message>
        <source>A note is required: say why (it is kept in the history).</source>
        <translation>必须填写说明：写明处理理由（记入处理记录）。</translation>
    </message>
    <message>
        <source>Deciding {n} items…</source>
        <translation>正在处理 {n} 项…</translation>
    </message>
    <message>
        <source>Decided {n}; refused {m}.</source>
        <translation>已处理 {n} 项；被拒绝 {m} 项。</translation>
    </message>
    <message>
        <source>Stopped: {why} {k} items were not sent.</source>
        <translation>已中止：{why} 还有 {k} 项未提交。</translation>
    </message>
    <message>
        <source>No. {number} {record}: {why}</source>
        <translation>编号 {number} {record}：{why}</translation>
    </message>
</context>
<context>
    <name>CompareTable</name>
    <message>
        <source>Base (before the edits)</source>
        <translation>原值（修改前）</translation>
    </message>
    <message>
        <source>{n} · village: {user}
{device} · {time}</source>
        <translation>{n} · 村级：{user}
{device} · {time}</translation>
    </message>
    <message>
        <source>{n} · county now: {user}
{device} (applied earlier)</source>
        <translation>{n} · 县级现值：{user}
{device}（此前已采用）</translation>
    </message>
    <message>
        <source>{n} · county now: {user}
(applied earlier)</source>
        <translation>{n} · 县级现值：{user}
（此前已采用）</translation>
    </message>
    <message>
        <source>{n} · county now
(applied earlier)</source>
        <translation>{n} · 县级现值
（此前已采用）</translation>
    </message>
</context>
<context>
    <name>DateEditor</name>
    <message>
        <source>Pick from a calendar (Alt+Down)</source>
        <translation>从日历中选择（Alt+下箭头）</translation>
    </message>
</context>
<context>
    <name>DuplicatesPage</name>
    <message>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>已处理</translation>
    </message>
    <message>
        <source>Open and decided</source>
        <translation>待处理和已处理</translation>
    </message>
    <message>
        <source>Resident ID</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>已等待</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>户号</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Why? (required, kept in the history)</source>
        <translation>处理理由（必填，记入处理记录）</translation>
    </message>
    <message>
        <source>Keep the chosen record (Ctrl+K)</source>
        <translation>保留所选记录 (Ctrl+K)</translation>
    </message>
    <message>
        <source>Not the same person (Ctrl+D)</source>
        <translation>不是同一人 (Ctrl+D)</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>{count} duplicate residents · as of {time}</source>
        <translation>{count} 组重复人员 · 截至 {time}</translation>
    </message>
    <message>
        <source>No duplicate residents here.</source>
        <translation>这里没有重复人员。</translation>
    </message>
    <message>
        <source>a record in {village} (outside your township)</source>
        <translation>{village}的一条记录（不属于您的乡镇）</translation>
    </message>
    <message>
        <source>{name} ({village}, household {number})</source>
        <translation>{name}（{village}，户号 {number}）</translation>
    </message>
    <message>
        <source>Kept {name}</source>
        <translation>保留了{name}</translation>
    </message>
    <message>
        <source>Not the same person</source>
        <translation>不是同一人</translation>
    </message>
    <message>
        <source>(outside your township)</source>
        <translation>（不属于您的乡镇）</translation>
    </message>
    <message>
        <source>Resident ID {rid} is active in {n} person records. Keep one (the others become moved out, linked to it), or mark them as different people.</source>
        <translation>身份证号 {rid} 同时出现在 {n} 条在册人员记录中。请保留其中一条（其余记为迁出并关联到保留的记录），或标记为不是同一人。</translation>
    </message>
    <message>
        <source>{decision}, by {user} on {time}. Note: {note}</source>
        <translation>{decision}，处理人 {user}，时间 {time}。说明：{note}</translation>
    </message>
    <message>
        <source>Choose the record to keep (one of your township&apos;s).</source>
        <translation>请选择要保留的记录（须属于您的乡镇）。</translation>
    </message>
    <message>
        <source>A note is required: say why (it is kept in the history).</source>
        <translation>必须填写说明：写明处理理由（记入处理记录）。</translation>
    </message>
    <message>
        <source>Sending the decision…</source>
        <translation>正在提交处理结果…</translation>
    </message>
    <message>
        <source> — saved.</source>
        <translation> — 已保存。</translation>
    </message>
</context>
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
        <translation>村级数据台</translation>
    </message>
    <message>
        <source>The disk is full, so this was not saved. What you saved before is safe. Free some space on the disk, then try again.</source>
        <translation>磁盘已满，这次没有保存。之前保存的内容都是安全的。请先清理出一些磁盘空间，再试一次。</translation>
    </message>
    <message>
        <source>The village data is already open in another window of Village Data Desk. Use that window, or close it first.</source>
        <translation>村级数据已经在村级数据台的另一个窗口中打开。请使用那个窗口，或先把它关闭。</translation>
    </message>
    <message>
        <source>The computer could not read or write the data file (a disk error, or the disk is read-only). What you saved before is safe; please call county IT if it happens again.</source>
        <translation>电脑无法读取或写入数据文件（磁盘出错，或磁盘为只读）。之前保存的内容都是安全的；如果再次出现，请联系县信息中心。</translation>
    </message>
</context>
<context>
    <name>ExcelPage</name>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Households, persons, income, services and the indicators in one workbook, with Chinese headers and amounts in yuan. The file holds personal data: keep it safe. Every export is recorded.</source>
        <translation>家庭户、家庭成员、收入、公共服务和各项指标导出到一个工作簿，中文表头，金额以元为单位。文件含个人信息，请妥善保管；每次导出都会记录在案。</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Indicators for the income year</source>
        <translation>指标的收入年度</translation>
    </message>
    <message>
        <source>Import a roster</source>
        <translation>导入花名册</translation>
    </message>
    <message>
        <source>Register many households and persons at once from an Excel roster. Every row is checked first; nothing is written until you confirm.</source>
        <translation>从 Excel 花名册一次登记多户多人。每一行都先检查，您确认之前不写入任何数据。</translation>
    </message>
    <message>
        <source>Import a roster…</source>
        <translation>导入花名册…</translation>
    </message>
    <message>
        <source>village-data-{code}.xlsx</source>
        <translation>村数据-{code}.xlsx</translation>
    </message>
    <message>
        <source>Export the lists and indicators</source>
        <translation>导出名单和指标</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Exported: {path}</source>
        <translation>已导出：{path}</translation>
    </message>
</context>
<context>
    <name>FieldHistoryDialog</name>
    <message>
        <source>History of a field</source>
        <translation>字段修改记录</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Asking the county server…</source>
        <translation>正在向县服务器查询…</translation>
    </message>
    <message>
        <source>The county server cannot be reached: only this laptop&apos;s edits not yet sent are shown.</source>
        <translation>无法连接县服务器：只显示本机尚未同步的修改。</translation>
    </message>
    <message>
        <source>No changes recorded.</source>
        <translation>没有修改记录。</translation>
    </message>
</context>
<context>
    <name>FileDialogs</name>
    <message>
        <source>{n} bytes</source>
        <translation>{n} 字节</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>{suffix} file</source>
        <translation>{suffix} 文件</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Look in:</source>
        <translation>查找范围：</translation>
    </message>
    <message>
        <source>File name:</source>
        <translation>文件名：</translation>
    </message>
    <message>
        <source>Files of type:</source>
        <translation>文件类型：</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Provisioning file</source>
        <translation>配置文件</translation>
    </message>
    <message>
        <source>Provisioning file (*.json)</source>
        <translation>配置文件 (*.json)</translation>
    </message>
</context>
<context>
    <name>HistoryPage</name>
    <message>
        <source>Decided</source>
        <translation>已处理</translation>
    </message>
    <message>
        <source>By</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Set aside</source>
        <translation>未采用的数值</translation>
    </message>
    <message>
        <source>Refresh (F5)</source>
        <translation>刷新 (F5)</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>{form}: {record}</source>
        <translation>{form}：{record}</translation>
    </message>
    <message>
        <source>{choice}: {value}</source>
        <translation>{choice}：{value}</translation>
    </message>
    <message>
        <source>{count} decisions</source>
        <translation>{count} 条处理记录</translation>
    </message>
    <message>
        <source>county value kept</source>
        <translation>保留县级数值</translation>
    </message>
    <message>
        <source>village value taken</source>
        <translation>采用村级数值</translation>
    </message>
    <message>
        <source>new value typed</source>
        <translation>录入新数值</translation>
    </message>
    <message>
        <source>stays deleted</source>
        <translation>维持删除</translation>
    </message>
    <message>
        <source>restored</source>
        <translation>恢复记录</translation>
    </message>
    <message>
        <source>village</source>
        <translation>村级</translation>
    </message>
    <message>
        <source>county</source>
        <translation>县级</translation>
    </message>
    <message>
        <source>{field} (not restored)</source>
        <translation>{field}（未恢复）</translation>
    </message>
    <message>
        <source>{source}: {value} ({user}, {device})</source>
        <translation>{source}：{value}（{user}，{device}）</translation>
    </message>
    <message>
        <source>{source}: {value}</source>
        <translation>{source}：{value}</translation>
    </message>
</context>
<context>
    <name>HistoryTable</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>修改前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>修改后</translation>
    </message>
    <message>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>this laptop</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>On the laptop: {time}</source>
        <translation>笔记本时间：{time}</translation>
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
    <name>IndicatorsPage</name>
    <message>
        <source> yuan</source>
        <translation> 元</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Print report (PDF)…</source>
        <translation>打印报告（PDF）…</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Income year</source>
        <translation>收入年度</translation>
    </message>
    <message>
        <source>Income line per person and year</source>
        <translation>收入线（人均每年）</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>As of {day}</source>
        <translation>统计日期 {day}</translation>
    </message>
    <message>
        <source>The figures could not be computed</source>
        <translation>无法计算指标</translation>
    </message>
    <message>
        <source>village-report-{code}-{year}.pdf</source>
        <translation>村级指标报告-{code}-{year}.pdf</translation>
    </message>
    <message>
        <source>Save the village report</source>
        <translation>保存村级指标报告</translation>
    </message>
    <message>
        <source>Report saved: {path}</source>
        <translation>报告已保存：{path}</translation>
    </message>
    <message>
        <source>Exported: {path}</source>
        <translation>已导出：{path}</translation>
    </message>
    <message>
        <source>village-data-{code}.xlsx</source>
        <translation>村数据-{code}.xlsx</translation>
    </message>
    <message>
        <source>Export the lists and indicators</source>
        <translation>导出名单和指标</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
</context>
<context>
    <name>IndicatorsView</name>
    <message>
        <source>No data yet</source>
        <translation>暂无数据</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低收入组</translation>
    </message>
    <message>
        <source>Lower middle</source>
        <translation>中等偏下</translation>
    </message>
    <message>
        <source>Middle</source>
        <translation>中等收入组</translation>
    </message>
    <message>
        <source>Upper middle</source>
        <translation>中等偏上</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高收入组</translation>
    </message>
    <message>
        <source>Medical (everyone)</source>
        <translation>医疗保险（全部人口）</translation>
    </message>
    <message>
        <source>Pension (aged {age}+)</source>
        <translation>养老保险（{age}岁及以上）</translation>
    </message>
    <message>
        <source>Line {amount}</source>
        <translation>收入线 {amount}</translation>
    </message>
    <message>
        <source>Population by age and sex</source>
        <translation>人口年龄性别结构</translation>
    </message>
    <message>
        <source>Men</source>
        <translation>男</translation>
    </message>
    <message>
        <source>Women</source>
        <translation>女</translation>
    </message>
    <message>
        <source>Income by source, {year}</source>
        <translation>{year}年收入来源</translation>
    </message>
    <message>
        <source>{n} of {m} households, {share}</source>
        <translation>覆盖 {n}/{m} 户（{share}）</translation>
    </message>
    <message>
        <source>Per-capita income by fifths (yuan)</source>
        <translation>五等份人均可支配收入（元）</translation>
    </message>
    <message>
        <source>Gini {gini}</source>
        <translation>基尼系数 {gini}</translation>
    </message>
    <message>
        <source>coverage {share}</source>
        <translation>覆盖 {share}</translation>
    </message>
    <message>
        <source>Insurance coverage</source>
        <translation>参保率</translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
</context>
<context>
    <name>ItemView</name>
    <message>
        <source>Restore with the village&apos;s value of (Space ticks):</source>
        <translation>恢复时采用村级数值的字段（空格键勾选）：</translation>
    </message>
    <message>
        <source>Why? (required, kept in the history)</source>
        <translation>处理理由（必填，记入处理记录）</translation>
    </message>
    <message>
        <source>Decide (Ctrl+Enter)</source>
        <translation>确定处理 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Back to the list (Esc)</source>
        <translation>返回清单 (Esc)</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Earlier decisions on this record</source>
        <translation>该记录以前的处理</translation>
    </message>
    <message>
        <source>No. {number} · {village} · {form} · {field} · waiting {age}</source>
        <translation>编号 {number} · {village} · {form} · {field} · 已等待 {age}</translation>
    </message>
    <message>
        <source>No. {number} · {village} · {form} · {field} · decided</source>
        <translation>编号 {number} · {village} · {form} · {field} · 已处理</translation>
    </message>
    <message>
        <source>Decided by {user} on {time}: {value}. Note: {note}</source>
        <translation>已由 {user} 于 {time} 处理：{value}。说明：{note}</translation>
    </message>
    <message>
        <source>Keys: 1–{n} choose a column (a deleted column keeps the record deleted, a kept one restores it with the ticked fields), ← → move, Tab to the note, Ctrl+Enter decides.</source>
        <translation>按键：1–{n} 选择一列（选“已删除”的列即维持删除，选“保留”的列即按勾选的字段恢复记录），← → 切换，Tab 到说明，Ctrl+Enter 确定。</translation>
    </message>
    <message>
        <source>From the note, Tab again to the fields to restore (Space ticks).</source>
        <translation>在说明处再按 Tab 到要恢复的字段（空格勾选）。</translation>
    </message>
    <message>
        <source>Keys: 1–{n} choose a column ({n} = county), ← → move, 0 types a new value, Tab to the note, Ctrl+Enter decides.</source>
        <translation>按键：1–{n} 选择一列（{n} = 县级），← → 切换，0 录入新数值，Tab 到说明，Ctrl+Enter 确定。</translation>
    </message>
    <message>
        <source>Keys: 1–{n} choose a column ({n} = county), ← → move, Tab to the note, Ctrl+Enter decides.</source>
        <translation>按键：1–{n} 选择一列（{n} = 县级），← → 切换，Tab 到说明，Ctrl+Enter 确定。</translation>
    </message>
    <message>
        <source>{n} · type a new value</source>
        <translation>{n} · 录入新数值</translation>
    </message>
    <message>
        <source>{field}: {village} (county: {county})</source>
        <translation>{field}：{village}（县级：{county}）</translation>
    </message>
    <message>
        <source>{time} {user}: {field} → {value} ({note})</source>
        <translation>{time} {user}：{field} → {value}（{note}）</translation>
    </message>
    <message>
        <source>No earlier decisions.</source>
        <translation>以前没有处理记录。</translation>
    </message>
    <message>
        <source>typed value</source>
        <translation>录入的数值</translation>
    </message>
    <message>
        <source>This item is already decided.</source>
        <translation>此项已处理。</translation>
    </message>
    <message>
        <source>Choose a column first (1–{n}).</source>
        <translation>请先选择一列（1–{n}）。</translation>
    </message>
    <message>
        <source>Type a value, or choose a column.</source>
        <translation>请录入数值，或选择一列。</translation>
    </message>
    <message>
        <source>A note is required: say why (it is kept in the history).</source>
        <translation>必须填写说明：写明处理理由（记入处理记录）。</translation>
    </message>
    <message>
        <source>Sending the decision…</source>
        <translation>正在提交处理结果…</translation>
    </message>
    <message>
        <source>Not saved: the values changed since you opened this item. The current values are shown now; look again and decide.</source>
        <translation>未保存：打开此项后数值已发生变化。现在显示的是最新数值，请重新查看后再处理。</translation>
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
    <message>
        <source>Township or county staff do not set up a village here: they sign in to the county server.</source>
        <translation>乡镇或县级工作人员无需设置村数据，直接登录县级服务器即可。</translation>
    </message>
    <message>
        <source>Township staff sign-in</source>
        <translation>乡镇工作人员登录</translation>
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
        <translation>村级数据台 — 村代码 {code}，用户 {user}</translation>
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
    <message>
        <source>Indicators</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Excel</source>
        <translation>Excel 导入导出</translation>
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
    <message>
        <source>History…</source>
        <translation>修改记录…</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>Enter</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>The county&apos;s forms were updated while this record was open. It is saved with the form it was opened with; open it again to fill in new fields.</source>
        <translation>县里的表单已更新（此记录打开之后）。本记录仍按打开时的表单保存；保存后再次打开即可填写新增的项目。</translation>
    </message>
    <message>
        <source>Waiting on the township&apos;s decision (the county&apos;s value applies until then):</source>
        <translation>等待乡镇处理（处理前以县级数值为准）：</translation>
    </message>
    <message>
        <source>{field}: yours {mine}, county {county}</source>
        <translation>{field}：您的数值 {mine}，县级 {county}</translation>
    </message>
    <message>
        <source>Discard the changes to this record?</source>
        <translation>放弃对这条记录的修改吗？</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>放弃修改</translation>
    </message>
    <message>
        <source>Keep editing</source>
        <translation>继续编辑</translation>
    </message>
</context>
<context>
    <name>RecordForm</name>
    <message>
        <source>Fill in the fields marked *: {fields}</source>
        <translation>请填写带 * 的项：{fields}</translation>
    </message>
    <message>
        <source>{field}: type yuan with at most two decimals, for example 35000.50</source>
        <translation>{field}：请以元为单位填写，最多两位小数，如 35000.50</translation>
    </message>
    <message>
        <source>{field}: not a date; type it as 1953-02-19 or 19530219</source>
        <translation>{field}：不是有效日期，请按 1953-02-19 或 19530219 填写</translation>
    </message>
    <message>
        <source>{field}: does not match the resident ID, which holds the birth date {date}</source>
        <translation>{field}：与公民身份号码不一致，身份证号中的出生日期是 {date}</translation>
    </message>
    <message>
        <source>{field}: {date} does not exist (there is no month {month})</source>
        <translation>{field}：{date} 这个日期不存在（没有 {month} 月）</translation>
    </message>
    <message>
        <source>{field}: {date} does not exist ({year}-{month} has {days} days)</source>
        <translation>{field}：{date} 这个日期不存在（{year}-{month} 只有 {days} 天）</translation>
    </message>
</context>
<context>
    <name>RecordHistoryPanel</name>
    <message>
        <source>Record history</source>
        <translation>修改记录</translation>
    </message>
    <message>
        <source>Every field</source>
        <translation>全部字段</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>No changes recorded.</source>
        <translation>没有修改记录。</translation>
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
        <source>{count} (search cleared)</source>
        <translation>{count}（已清除搜索）</translation>
    </message>
    <message>
        <source>The search was cleared to show the record just saved.</source>
        <translation>为显示刚保存的记录，已清除搜索条件。</translation>
    </message>
    <message>
        <source>{records}, {count} to complete</source>
        <translation>{records}，{count} 条待补充</translation>
    </message>
    <message>
        <source>To complete</source>
        <translation>待补充</translation>
    </message>
    <message>
        <source>The county&apos;s forms now require a field this record has no value for: open it and fill it in.</source>
        <translation>县里的表单新增了必填项，这条记录还没有填写：请打开记录补充。</translation>
    </message>
    <message>
        <source>Delete this {form}?
{record}
It is marked as deleted here and at the county after the next sync.</source>
        <translation>删除这条{form}记录吗？
{record}
它会在本机标记为已删除，下次同步后县里也会标记删除。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>{names} and {more} more</source>
        <translation>{names}等，另有 {more} 人</translation>
    </message>
    <message>
        <source>Delete household {title}? It has no members, income or services. It is marked as deleted here and at the county after the next sync.</source>
        <translation>删除家庭户 {title}？它没有成员、收入或服务记录。下次同步后，本机和县里都会把它标为已删除。</translation>
    </message>
    <message>
        <source>Delete household {title} with everything that belongs to it?

Members ({count}): {names}
Income records: {income}
Service records: {service}

All of them are marked as deleted here and at the county after the next sync. If a member only moved to another household, change that person&apos;s household first.</source>
        <translation>删除家庭户 {title} 及其全部记录？

{count} 名成员：{names}
{income} 条收入记录
{service} 条服务记录

下次同步后，本机和县里都会把它们标为已删除。如果某位成员只是迁到了别的户，请先修改此人的所属家庭户。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>A value of this record waits on the township&apos;s decision</source>
        <translation>该记录有数值正等待乡镇处理</translation>
    </message>
    <message>
        <source>Ctrl+M</source>
        <translation>Ctrl+M</translation>
    </message>
    <message>
        <source>Add member</source>
        <translation>添加成员</translation>
    </message>
</context>
<context>
    <name>RosterImportDialog</name>
    <message>
        <source>Import a roster from Excel</source>
        <translation>从 Excel 导入花名册</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>One row per person, with the household number, head, address and category of their household. Start from the template: its ID column is already text. Nothing is written until you have seen the check and press Import.</source>
        <translation>每行一人，并填写其所在户的户号、户主姓名、家庭住址和家庭类别。请从模板开始填写：模板中的身份证号一列已设为文本。在您看过检查结果并点击“导入”之前，不写入任何数据。</translation>
    </message>
    <message>
        <source>Excel workbook (.xlsx)</source>
        <translation>Excel 工作簿（.xlsx）</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Save the template…</source>
        <translation>保存模板…</translation>
    </message>
    <message>
        <source>Which column of the file holds each item? Items marked * must be filled in.</source>
        <translation>每一项在文件的哪一列？带 * 的项必须填写。</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Column in the file</source>
        <translation>文件中的列</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>The {persons} persons of the checked file have not been imported. Close without importing them?</source>
        <translation>已检查的文件中的 {persons} 人还没有导入。不导入就关闭吗？</translation>
    </message>
    <message>
        <source>Close without importing</source>
        <translation>不导入，关闭</translation>
    </message>
    <message>
        <source>Back to the import</source>
        <translation>返回导入</translation>
    </message>
    <message>
        <source>Cancelled: nothing was imported.</source>
        <translation>已取消：没有导入任何数据。</translation>
    </message>
    <message>
        <source>Choose the roster</source>
        <translation>选择花名册</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Save the template</source>
        <translation>保存模板</translation>
    </message>
    <message>
        <source>roster-template.xlsx</source>
        <translation>花名册模板.xlsx</translation>
    </message>
    <message>
        <source>Template saved: {path}</source>
        <translation>模板已保存：{path}</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>(not in the file)</source>
        <translation>（文件中没有）</translation>
    </message>
    <message>
        <source>column {n}</source>
        <translation>第 {n} 列</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>{rows} rows checked, no problems: {households} new households and {persons} persons will be added. Press Import to write them.</source>
        <translation>已检查 {rows} 行，没有问题：将新增 {households} 户、{persons} 人。点击“导入”写入。</translation>
    </message>
    <message>
        <source>The file has no rows under its header.</source>
        <translation>文件标题行下面没有数据。</translation>
    </message>
    <message>
        <source>{bad} of {rows} rows have problems. Nothing will be imported: correct them in Excel and choose the file again.</source>
        <translation>{rows} 行中有 {bad} 行有问题，整个文件都不会导入：请在 Excel 中改正后重新选择文件。</translation>
    </message>
    <message>
        <source>Imported {households} new households and {persons} persons.</source>
        <translation>已导入新增 {households} 户、{persons} 人。</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
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
        <source>Village {code}. Data file: {path} (with its keys in {keys} beside it)</source>
        <translation>村代码 {code}。数据文件：{path}（密钥在旁边的 {keys} 里）</translation>
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
        <translation>村级数据台 — 首次使用</translation>
    </message>
    <message>
        <source>Making the encrypted data file…</source>
        <translation>正在创建加密数据文件…</translation>
    </message>
</context>
<context>
    <name>StaffIndicatorsWidget</name>
    <message>
        <source> yuan</source>
        <translation> 元</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Print report (PDF)…</source>
        <translation>打印报告（PDF）…</translation>
    </message>
    <message>
        <source>Income year</source>
        <translation>收入年度</translation>
    </message>
    <message>
        <source>Income line per person and year</source>
        <translation>收入线（人均每年）</translation>
    </message>
    <message>
        <source>← All villages</source>
        <translation>← 全部村</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>{n} villages, {persons} persons; per-capita income {mean}, Gini {gini}; {behind} villages behind on something (marked). Double-click a village for its charts.</source>
        <translation>{n} 个村，{persons} 人；人均可支配收入 {mean}，基尼系数 {gini}；{behind} 个村有落后项（已标出）。双击一个村查看其图表。</translation>
    </message>
    <message>
        <source>As of {time}.</source>
        <translation>截至 {time}。</translation>
    </message>
    <message>
        <source>township-report-{year}.pdf</source>
        <translation>乡镇指标报告-{year}.pdf</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>保存指标报告</translation>
    </message>
    <message>
        <source>{n} villages</source>
        <translation>{n} 个村</translation>
    </message>
    <message>
        <source>Report saved: {path}</source>
        <translation>报告已保存：{path}</translation>
    </message>
</context>
<context>
    <name>StaffSignInDialog</name>
    <message>
        <source>Village Data Desk — township staff sign-in</source>
        <translation>村级数据台 — 乡镇工作人员登录</translation>
    </message>
    <message>
        <source>Township and county staff: sign in to the county server with your staff account to settle conflicts and duplicate residents. No village data file is needed.</source>
        <translation>乡镇和县级工作人员：用工作人员账号登录县级服务器，处理数据冲突和重复人员。不需要村数据文件。</translation>
    </message>
    <message>
        <source>County certificate (PEM); empty: the system&apos;s</source>
        <translation>县级证书（PEM）；留空则使用系统证书</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>From provisioning file…</source>
        <translation>从配置文件读取…</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>County server</source>
        <translation>县级服务器</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>证书</translation>
    </message>
    <message>
        <source>Staff account</source>
        <translation>工作人员账号</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>County certificate</source>
        <translation>县级证书</translation>
    </message>
    <message>
        <source>Certificate (*.pem *.crt)</source>
        <translation>证书 (*.pem *.crt)</translation>
    </message>
    <message>
        <source>This provisioning file cannot be used.</source>
        <translation>无法使用此配置文件。</translation>
    </message>
    <message>
        <source>Server address and certificate taken from the provisioning file.</source>
        <translation>已从配置文件读取服务器地址和证书。</translation>
    </message>
    <message>
        <source>The server address must start with https:// (http:// only for this computer).</source>
        <translation>服务器地址必须以 https:// 开头（http:// 仅限本机）。</translation>
    </message>
    <message>
        <source>The certificate file does not exist.</source>
        <translation>证书文件不存在。</translation>
    </message>
    <message>
        <source>Enter your staff account and password.</source>
        <translation>请输入工作人员账号和密码。</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
</context>
<context>
    <name>StaffWindow</name>
    <message>
        <source>Village Data Desk — township desk, {who}</source>
        <translation>村级数据台 — 乡镇工作台，{who}</translation>
    </message>
    <message>
        <source>Signed in: {who}</source>
        <translation>已登录：{who}</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Sign out (Ctrl+L)</source>
        <translation>退出登录 (Ctrl+L)</translation>
    </message>
    <message>
        <source>county {code}</source>
        <translation>县 {code}</translation>
    </message>
    <message>
        <source>{name} ({code})</source>
        <translation>{name}（{code}）</translation>
    </message>
    <message>
        <source>township {code}</source>
        <translation>乡镇 {code}</translation>
    </message>
    <message>
        <source>{user}, {scope}</source>
        <translation>{user}，{scope}</translation>
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
        <source>{count} records waiting to sync</source>
        <translation>{count} 条记录待同步</translation>
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
        <source>{count} waiting on township</source>
        <translation>{count} 项等待乡镇处理</translation>
    </message>
    <message>
        <source>, {count} decided</source>
        <translation>，{count} 项已处理</translation>
    </message>
    <message>
        <source>Open the list of your records waiting on the township</source>
        <translation>打开等待乡镇处理的记录清单</translation>
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
        <source>the county server cannot be reached (no network, or a wrong address). The code is kept: press Enroll again when the server can be reached.</source>
        <translation>无法连接县级服务器（没有网络，或地址不对）。注册码已保留：能连接服务器时再点“注册”。</translation>
    </message>
    <message>
        <source>Enrollment failed: {reason}</source>
        <translation>注册失败：{reason}</translation>
    </message>
    <message>
        <source>The address {url} was not saved: {reason}</source>
        <translation>地址 {url} 未保存：{reason}</translation>
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
    <name>Township</name>
    <message>
        <source>Work list</source>
        <translation>工作清单</translation>
    </message>
    <message>
        <source>History</source>
        <translation>处理记录</translation>
    </message>
    <message>
        <source>Duplicate residents</source>
        <translation>重复人员</translation>
    </message>
    <message>
        <source>Indicators</source>
        <translation>指标</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>Village Data Desk — unlock</source>
        <translation>村级数据台 — 解锁</translation>
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
    <message>
        <source>Township staff sign-in</source>
        <translation>乡镇工作人员登录</translation>
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
<context>
    <name>VillageReport</name>
    <message>
        <source>Village indicators report</source>
        <translation>村级指标报告</translation>
    </message>
    <message>
        <source>Village {village} · income year {year} · ages on {day} · printed {printed}</source>
        <translation>村代码 {village} · 收入年度 {year} · 年龄计算日 {day} · 打印日期 {printed}</translation>
    </message>
    <message>
        <source>All figures</source>
        <translation>全部指标</translation>
    </message>
</context>
<context>
    <name>VillageTableModel</name>
    <message>
        <source>Code</source>
        <translation>村代码</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村名</translation>
    </message>
    <message>
        <source>Persons</source>
        <translation>人口</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>Per-capita income</source>
        <translation>人均收入（元）</translation>
    </message>
    <message>
        <source>Under the line</source>
        <translation>低于收入线</translation>
    </message>
    <message>
        <source>Gini</source>
        <translation>基尼系数</translation>
    </message>
    <message>
        <source>Medical</source>
        <translation>医保参保率</translation>
    </message>
    <message>
        <source>Income coverage</source>
        <translation>收入覆盖率</translation>
    </message>
    <message>
        <source>Pension</source>
        <translation>养老参保率</translation>
    </message>
    <message>
        <source>Missing fields</source>
        <translation>缺必填项</translation>
    </message>
    <message>
        <source>Open conflicts</source>
        <translation>待处理冲突</translation>
    </message>
    <message>
        <source>Last sync</source>
        <translation>最近同步</translation>
    </message>
    <message>
        <source>Behind on</source>
        <translation>落后项</translation>
    </message>
    <message>
        <source>Medical insurance below {p}</source>
        <translation>医疗保险参保率低于 {p}</translation>
    </message>
    <message>
        <source>Pension insurance below {p}</source>
        <translation>养老保险参保率低于 {p}</translation>
    </message>
    <message>
        <source>Persons under the income line</source>
        <translation>有人口低于收入线</translation>
    </message>
    <message>
        <source>Records missing required fields</source>
        <translation>有记录缺必填项</translation>
    </message>
    <message>
        <source>Conflicts waiting for the township</source>
        <translation>有冲突等待乡镇处理</translation>
    </message>
    <message>
        <source>No sync for more than {n} days</source>
        <translation>超过 {n} 天没有同步</translation>
    </message>
    <message>
        <source>No income recorded</source>
        <translation>没有收入记录</translation>
    </message>
    <message>
        <source>The income figures cover only {n} of {m} households: not the village&apos;s</source>
        <translation>收入数字只含 {n}/{m} 户，不代表全村</translation>
    </message>
    <message>
        <source>{n} income records of the year left out of the figures</source>
        <translation>当年有 {n} 条收入记录未计入收入数字</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>{n} days ago</source>
        <translation>{n} 天前</translation>
    </message>
    <message>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>medical</source>
        <translation>医保</translation>
    </message>
    <message>
        <source>pension</source>
        <translation>养老</translation>
    </message>
    <message>
        <source>poverty</source>
        <translation>低收入</translation>
    </message>
    <message>
        <source>data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>income</source>
        <translation>收入</translation>
    </message>
    <message>
        <source>coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <source>income left out</source>
        <translation>收入未计入</translation>
    </message>
</context>
<context>
    <name>WaitingPage</name>
    <message>
        <source>Your values below differ from the county&apos;s, so the township decides which one stays. Until then the county&apos;s value is in force; the decision arrives with the next sync.</source>
        <translation>下列数值与县级数据不一致，由乡镇决定采用哪一个。处理前以县级数值为准；处理结果在下次同步时送达。</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>表单</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Your value</source>
        <translation>您的数值</translation>
    </message>
    <message>
        <source>County value</source>
        <translation>县级数值</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>Township note</source>
        <translation>乡镇说明</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>{field}: {value}</source>
        <translation>{field}：{value}</translation>
    </message>
    <message>
        <source>Waiting on the township</source>
        <translation>等待乡镇处理</translation>
    </message>
    <message>
        <source>{choice}: {value} ({user}, {time})</source>
        <translation>{choice}：{value}（{user}，{time}）</translation>
    </message>
    <message>
        <source>; not taken: {fields}</source>
        <translation>；未采用：{fields}</translation>
    </message>
    <message>
        <source>{waiting} waiting on the township, {decided} decided</source>
        <translation>{waiting} 项等待乡镇处理，{decided} 项已处理</translation>
    </message>
    <message>
        <source>Waiting on township</source>
        <translation>等待乡镇处理</translation>
    </message>
</context>
<context>
    <name>WorkDeskPage</name>
    <message>
        <source>Item number (Ctrl+G)</source>
        <translation>事项编号 (Ctrl+G)</translation>
    </message>
    <message>
        <source>Open item No.</source>
        <translation>打开事项编号</translation>
    </message>
    <message>
        <source>Decide selected together (Ctrl+B)</source>
        <translation>一并处理所选事项 (Ctrl+B)</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Select open items first (Shift+↑↓ or Ctrl+A).</source>
        <translation>请先选择待处理的事项（Shift+↑↓ 或 Ctrl+A）。</translation>
    </message>
    <message>
        <source>These items cannot be decided together: select items of one field, or only deletions.</source>
        <translation>这些事项不能一并处理：请选择同一字段的事项，或只选删除类事项。</translation>
    </message>
    <message>
        <source>Decided {n} items together; {m} refused (listed in the dialog).</source>
        <translation>一并处理了 {n} 项；{m} 项未处理（原因见对话框）。</translation>
    </message>
    <message>
        <source>township-desk.xlsx</source>
        <translation>乡镇工作台导出.xlsx</translation>
    </message>
    <message>
        <source>Export the work list, decisions and indicators</source>
        <translation>导出工作清单、处理记录和指标</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Exported: {path}</source>
        <translation>已导出：{path}</translation>
    </message>
    <message>
        <source>No item has the number {number} in your villages.</source>
        <translation>您所辖各村没有编号为 {number} 的事项。</translation>
    </message>
    <message>
        <source>Decided: {record}, {field} → {value}</source>
        <translation>已处理：{record}，{field} → {value}</translation>
    </message>
</context>
<context>
    <name>WorkListModel</name>
    <message>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>表单</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Competing values</source>
        <translation>各方数值</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>已等待</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>（无名称）</translation>
    </message>
    <message>
        <source>Deleted against edited</source>
        <translation>删除与修改冲突</translation>
    </message>
    <message>
        <source>village: {values}  ⇄  county: {county}</source>
        <translation>村：{values}  ⇄  县：{county}</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>已处理</translation>
    </message>
</context>
<context>
    <name>WorkListPage</name>
    <message>
        <source>All forms</source>
        <translation>全部表单</translation>
    </message>
    <message>
        <source>Any age</source>
        <translation>不限时间</translation>
    </message>
    <message>
        <source>Older than {days} days</source>
        <translation>超过 {days} 天</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>已处理</translation>
    </message>
    <message>
        <source>Open and decided</source>
        <translation>待处理和已处理</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>最早的在前</translation>
    </message>
    <message>
        <source>By village</source>
        <translation>按村</translation>
    </message>
    <message>
        <source>By form</source>
        <translation>按表单</translation>
    </message>
    <message>
        <source>By household</source>
        <translation>按户</translation>
    </message>
    <message>
        <source>By person</source>
        <translation>按人</translation>
    </message>
    <message>
        <source>Name, household number or resident ID (Ctrl+F)</source>
        <translation>姓名、户号或身份证号 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>表单</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>等待时间</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Sort</source>
        <translation>排序</translation>
    </message>
    <message>
        <source>Enter opens the item; Shift+↑↓ or Ctrl+A select several, Ctrl+B decides them together.</source>
        <translation>Enter 打开事项；Shift+↑↓ 或 Ctrl+A 多选，Ctrl+B 一并处理。</translation>
    </message>
    <message>
        <source>All villages ({count})</source>
        <translation>全部村 ({count})</translation>
    </message>
    <message>
        <source>{count} items</source>
        <translation>{count} 项</translation>
    </message>
    <message>
        <source>Nothing here: no item matches these filters.</source>
        <translation>没有符合筛选条件的事项。</translation>
    </message>
</context>
</TS>
