<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlarmCountsLabel</name>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Alarms per priority: active (unacknowledged)</source>
        <translation>各优先级报警数：活动（未确认）</translation>
    </message>
</context>
<context>
    <name>AlarmJournalPanel</name>
    <message>
        <source>activate</source>
        <translation>报警激活</translation>
    </message>
    <message>
        <source>clear</source>
        <translation>报警恢复</translation>
    </message>
    <message>
        <source>ack</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>shelve</source>
        <translation>搁置</translation>
    </message>
    <message>
        <source>unshelve</source>
        <translation>取消搁置</translation>
    </message>
    <message>
        <source>suppress</source>
        <translation>抑制</translation>
    </message>
    <message>
        <source>unsuppress</source>
        <translation>取消抑制</translation>
    </message>
    <message>
        <source>oos</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>in_service</source>
        <translation>恢复投用</translation>
    </message>
    <message>
        <source>Alarm journal</source>
        <translation>报警日志</translation>
    </message>
    <message>
        <source>All events</source>
        <translation>所有事件</translation>
    </message>
    <message>
        <source>Alarm, user or reason</source>
        <translation>报警、用户或原因</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Export CSV...</source>
        <translation>导出 CSV...</translation>
    </message>
    <message>
        <source>Searching...</source>
        <translation>正在搜索...</translation>
    </message>
    <message>
        <source>Cannot read the journal: {error}</source>
        <translation>无法读取报警日志：{error}</translation>
    </message>
    <message>
        <source>{n} events</source>
        <translation>{n} 条事件</translation>
    </message>
    <message>
        <source>Export alarm journal</source>
        <translation>导出报警日志</translation>
    </message>
    <message>
        <source>Exported {n} events to {path}</source>
        <translation>已导出 {n} 条事件到 {path}</translation>
    </message>
</context>
<context>
    <name>AlarmKpiPanel</name>
    <message>
        <source>Last shift (8 h)</source>
        <translation>上一班（8 小时）</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>urgent + high</source>
        <translation>紧急 + 高</translation>
    </message>
    <message>
        <source>Alarm KPIs</source>
        <translation>报警 KPI</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>EEMUA 191 figures</source>
        <translation>EEMUA 191 指标</translation>
    </message>
    <message>
        <source>Priority distribution (annunciated)</source>
        <translation>优先级分布（已通报报警）</translation>
    </message>
    <message>
        <source>Top 10 most frequent alarms</source>
        <translation>最频繁的 10 个报警</translation>
    </message>
    <message>
        <source>Chattering alarms (3 or more activations in a minute)</source>
        <translation>振荡报警（一分钟内激活 3 次及以上）</translation>
    </message>
    <message>
        <source>Standing alarms (stale: active more than 24 h)</source>
        <translation>常驻报警（陈旧：持续活动超过 24 小时）</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Max per minute</source>
        <translation>每分钟最多</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Active since</source>
        <translation>活动起始时间</translation>
    </message>
    <message>
        <source>Computing...</source>
        <translation>正在计算...</translation>
    </message>
    <message>
        <source>Cannot read the journal: {error}</source>
        <translation>无法读取报警日志：{error}</translation>
    </message>
    <message>
        <source>{start} to {end}</source>
        <translation>{start} 至 {end}</translation>
    </message>
    <message>
        <source>Annunciated alarms</source>
        <translation>已通报报警</translation>
    </message>
    <message>
        <source>Alarms per 10 minutes</source>
        <translation>每 10 分钟报警数</translation>
    </message>
    <message>
        <source>Alarms per hour</source>
        <translation>每小时报警数</translation>
    </message>
    <message>
        <source>Alarms per day</source>
        <translation>每天报警数</translation>
    </message>
    <message>
        <source>10-min windows with more than 1</source>
        <translation>超过 1 个报警的 10 分钟时段</translation>
    </message>
    <message>
        <source>10-min windows with more than 10</source>
        <translation>超过 10 个报警的 10 分钟时段</translation>
    </message>
    <message>
        <source>Most in any 10 minutes</source>
        <translation>任意 10 分钟内最多报警数</translation>
    </message>
    <message>
        <source>Floods</source>
        <translation>报警泛滥次数</translation>
    </message>
    <message>
        <source>Flood duration</source>
        <translation>报警泛滥持续时间</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <source>Flood peak (per 10 min)</source>
        <translation>报警泛滥峰值（每 10 分钟）</translation>
    </message>
    <message>
        <source>Time in flood</source>
        <translation>报警泛滥时间占比</translation>
    </message>
    <message>
        <source>Chattering alarms</source>
        <translation>振荡报警</translation>
    </message>
    <message>
        <source>Standing alarms</source>
        <translation>常驻报警</translation>
    </message>
    <message>
        <source>Stale alarms (&gt; 24 h)</source>
        <translation>长时报警（&gt; 24 小时）</translation>
    </message>
    <message>
        <source>Acknowledgements / shelves</source>
        <translation>确认次数 / 搁置次数</translation>
    </message>
    <message>
        <source>Shelve (one-shot)</source>
        <translation>搁置（单次）</translation>
    </message>
    <message>
        <source>Click to shelve until it next clears</source>
        <translation>单击以搁置，直到该报警下次恢复</translation>
    </message>
    <message>
        <source>{cls}: {n} ({pct} %, target {target} %)</source>
        <translation>{cls}：{n}（{pct} %，目标 {target} %）</translation>
    </message>
    <message>
        <source>Not allowed</source>
        <translation>无权操作</translation>
    </message>
    <message>
        <source>chattering (shelved from the KPI panel)</source>
        <translation>振荡报警（从 KPI 面板搁置）</translation>
    </message>
    <message>
        <source>shelved</source>
        <translation>已搁置</translation>
    </message>
</context>
<context>
    <name>AlarmListPanel</name>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>All areas</source>
        <translation>所有区域</translation>
    </message>
    <message>
        <source>All priorities</source>
        <translation>所有优先级</translation>
    </message>
    <message>
        <source>Medium and above</source>
        <translation>中及以上</translation>
    </message>
    <message>
        <source>High and above</source>
        <translation>高及以上</translation>
    </message>
    <message>
        <source>Urgent only</source>
        <translation>仅紧急</translation>
    </message>
    <message>
        <source>Active and unacknowledged</source>
        <translation>活动和未确认</translation>
    </message>
    <message>
        <source>Unacknowledged</source>
        <translation>未确认</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>已搁置</translation>
    </message>
    <message>
        <source>Suppressed by design</source>
        <translation>设计抑制</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Filter by tag, text or area</source>
        <translation>按位号、文本或区域筛选</translation>
    </message>
    <message>
        <source>Group by area / first out</source>
        <translation>按区域 / 首出分组</translation>
    </message>
    <message>
        <source>Acknowledge selected</source>
        <translation>确认所选</translation>
    </message>
    <message>
        <source>Acknowledge page</source>
        <translation>确认本页</translation>
    </message>
    <message>
        <source>Shelve...</source>
        <translation>搁置...</translation>
    </message>
    <message>
        <source>Silence horn</source>
        <translation>消音</translation>
    </message>
    <message>
        <source>ALARM FLOOD: {n} alarms in the last 10 minutes. Work by priority; group by area / first out.</source>
        <translation>报警泛滥：最近 10 分钟内 {n} 个报警。请按优先级处理；按区域 / 首出分组。</translation>
    </message>
    <message>
        <source>No unacknowledged high-priority alarms</source>
        <translation>无未确认的高优先级报警</translation>
    </message>
    <message>
        <source>Select an alarm to see its cause, consequence and the action to take.</source>
        <translation>选择一个报警以查看其原因、后果和应采取的措施。</translation>
    </message>
    <message>
        <source>Cause:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <source>Consequence:</source>
        <translation>后果：</translation>
    </message>
    <message>
        <source>Action:</source>
        <translation>措施：</translation>
    </message>
    <message>
        <source>Allowed response time:</source>
        <translation>允许响应时间：</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n} 秒</translation>
    </message>
    <message>
        <source>Acknowledged by {who}</source>
        <translation>由 {who} 确认</translation>
    </message>
    <message>
        <source>it clears</source>
        <translation>报警恢复</translation>
    </message>
    <message>
        <source>Shelved by {who} until {until}: {why}</source>
        <translation>由 {who} 搁置至 {until}：{why}</translation>
    </message>
    <message>
        <source>Not allowed</source>
        <translation>无权操作</translation>
    </message>
</context>
<context>
    <name>AlarmTableModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>位号</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Value at alarm</source>
        <translation>报警时值</translation>
    </message>
    <message>
        <source>Value now</source>
        <translation>当前值</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>限值</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Active, unacknowledged</source>
        <translation>活动，未确认</translation>
    </message>
    <message>
        <source>Active, acknowledged</source>
        <translation>活动，已确认</translation>
    </message>
    <message>
        <source>Returned, unacknowledged</source>
        <translation>已恢复，未确认</translation>
    </message>
    <message>
        <source>Latched (reset needed)</source>
        <translation>已锁存（需复位）</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>已搁置</translation>
    </message>
    <message>
        <source>Suppressed by design</source>
        <translation>设计抑制</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>until {time}</source>
        <translation>至 {time}</translation>
    </message>
    <message>
        <source>until it clears</source>
        <translation>至报警消除</translation>
    </message>
    <message>
        <source>shelved here only</source>
        <translation>仅本机搁置</translation>
    </message>
    <message>
        <source>first out</source>
        <translation>首出</translation>
    </message>
</context>
<context>
    <name>AssayEntryDialog</name>
    <message>
        <source>Enter an assay</source>
        <translation>录入化验结果</translation>
    </message>
    <message>
        <source>Sample id</source>
        <translation>样品编号</translation>
    </message>
    <message>
        <source>Characteristic</source>
        <translation>质量特性</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Sampled at</source>
        <translation>取样时间</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Your password ({user})</source>
        <translation>您的密码({user})</translation>
    </message>
</context>
<context>
    <name>AuditPanel</name>
    <message>
        <source>Audit trail</source>
        <translation>审计追踪</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>user, tag, event, reason ...</source>
        <translation>用户、位号、事件、原因 ...</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>校验哈希链</translation>
    </message>
    <message>
        <source>Export CSV ...</source>
        <translation>导出 CSV ...</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>所有类别</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>访问</translation>
    </message>
    <message>
        <source>Writes</source>
        <translation>写入</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>All results</source>
        <translation>所有结果</translation>
    </message>
    <message>
        <source>Success</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>Failure</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>{shown} of {total} records shown</source>
        <translation>显示 {shown} / {total} 条记录</translation>
    </message>
    <message>
        <source>hash chain intact</source>
        <translation>哈希链完整</translation>
    </message>
    <message>
        <source>TAMPERED: {problem}</source>
        <translation>已被篡改：{problem}</translation>
    </message>
    <message>
        <source>Export audit trail</source>
        <translation>导出审计追踪</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>{n} records exported to {path}</source>
        <translation>已导出 {n} 条记录到 {path}</translation>
    </message>
</context>
<context>
    <name>AuditTableModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Console</source>
        <translation>操作台</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Old</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>Second person</source>
        <translation>第二确认人</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>event {id} · record {seq}</source>
        <translation>事件 {id} · 记录 {seq}</translation>
    </message>
</context>
<context>
    <name>CertificateTrustDialog</name>
    <message>
        <source>Crucible - server certificate</source>
        <translation>Crucible - 服务器证书</translation>
    </message>
    <message>
        <source>Untrusted OPC UA server certificate</source>
        <translation>不受信任的 OPC UA 服务器证书</translation>
    </message>
    <message>
        <source>The server {endpoint} presented a certificate that is not trusted yet. Compare the thumbprint with the one the server&apos;s administrator gives you before trusting it.</source>
        <translation>服务器 {endpoint} 提供的证书尚未受信任。信任之前，请将指纹与服务器管理员提供的指纹进行核对。</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Trust</source>
        <translation>信任</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Decide later</source>
        <translation>稍后决定</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <source>Crucible - change password</source>
        <translation>Crucible - 修改密码</translation>
    </message>
    <message>
        <source>Change password of {user}</source>
        <translation>修改 {user} 的密码</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <source>The two new passwords differ.</source>
        <translation>两次输入的新密码不一致。</translation>
    </message>
</context>
<context>
    <name>ConnectionsModel</name>
    <message>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>起始时间</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <source>Latency (ms)</source>
        <translation>延迟（毫秒）</translation>
    </message>
    <message>
        <source>Reconnects</source>
        <translation>重连次数</translation>
    </message>
    <message>
        <source>Updates/s</source>
        <translation>更新/秒</translation>
    </message>
    <message>
        <source>Bad tags</source>
        <translation>坏值位号</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>STALLED</source>
        <translation>停滞</translation>
    </message>
    <message>
        <source>DOWN</source>
        <translation>中断</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
</context>
<context>
    <name>ConnectionsPanel</name>
    <message>
        <source>Connections</source>
        <translation>连接</translation>
    </message>
</context>
<context>
    <name>DispatchBoardPanel</name>
    <message>
        <source>Shift</source>
        <translation>班</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>周</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年</translation>
    </message>
    <message>
        <source>Anodes cast (t)</source>
        <translation>阳极浇铸量 (t)</translation>
    </message>
    <message>
        <source>Cathode (t)</source>
        <translation>阴极铜 (t)</translation>
    </message>
    <message>
        <source>Concentrate treated (t)</source>
        <translation>精矿处理量 (t)</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>charging</source>
        <translation>正在加料</translation>
    </message>
    <message>
        <source>in slag blow</source>
        <translation>处于造渣期</translation>
    </message>
    <message>
        <source>skimming</source>
        <translation>正在排渣</translation>
    </message>
    <message>
        <source>in copper blow</source>
        <translation>处于造铜期</translation>
    </message>
    <message>
        <source>pouring</source>
        <translation>正在出铜</translation>
    </message>
    <message>
        <source>in maintenance</source>
        <translation>检修中</translation>
    </message>
    <message>
        <source>Smelting</source>
        <translation>熔炼</translation>
    </message>
    <message>
        <source>Casting</source>
        <translation>浇铸</translation>
    </message>
    <message>
        <source>Dispatch board</source>
        <translation>调度看板</translation>
    </message>
    <message>
        <source>Schedule (CP-SAT)</source>
        <translation>排产 (CP-SAT)</translation>
    </message>
    <message>
        <source>Plant rule</source>
        <translation>厂内规则</translation>
    </message>
    <message>
        <source>Reschedule from now</source>
        <translation>从现在重排</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Release task</source>
        <translation>下达任务</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认接收</translation>
    </message>
    <message>
        <source>First free converter, first-come crane: the plant&apos;s own dispatch rule</source>
        <translation>先空闲转炉、先到先用行车:厂内自己的调度规则</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Planned start</source>
        <translation>计划开始</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Late tasks</source>
        <translation>延误任务</translation>
    </message>
    <message>
        <source>Completion</source>
        <translation>完成情况</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>计划</translation>
    </message>
    <message>
        <source>Per</source>
        <translation>统计周期</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>late</source>
        <translation>延误</translation>
    </message>
    <message>
        <source>maintenance / breakdown</source>
        <translation>检修 / 故障</translation>
    </message>
    <message>
        <source>furnace feed cut</source>
        <translation>熔炼炉停料</translation>
    </message>
    <message>
        <source>released</source>
        <translation>已下达</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>%1 is still on the batch begun %2 (%3); planned %4 since %5</source>
        <translation>%1 仍在处理 %2 开始的上一炉次(%3);计划自 %5 起%4</translation>
    </message>
    <message>
        <source>%1 is %2; planned %3 since %4</source>
        <translation>%1 %2;计划自 %4 起%3</translation>
    </message>
    <message>
        <source>Solving…</source>
        <translation>求解中…</translation>
    </message>
    <message>
        <source>Schedule by the plant&apos;s rule (first free converter, first-come crane).</source>
        <translation>按厂内规则排产(先空闲转炉、先到先用行车)。</translation>
    </message>
    <message>
        <source>Solving… %1 s, objective %2 (bound %3)</source>
        <translation>求解中… %1 秒,目标值 %2(上界 %3)</translation>
    </message>
    <message>
        <source>No schedule</source>
        <translation>无排产结果</translation>
    </message>
    <message>
        <source>Done (%1)</source>
        <translation>完成(%1)</translation>
    </message>
    <message>
        <source>%1: %2 batches, %3 t copper, ladle waiting %4 h, furnace feed cut %5 h, objective %6</source>
        <translation>%1:%2 炉次,铜 %3 t,包子等待 %4 h,熔炼炉停料 %5 h,目标值 %6</translation>
    </message>
    <message>
        <source>CP-SAT</source>
        <translation>CP-SAT</translation>
    </message>
    <message>
        <source>Not moved: %1</source>
        <translation>未移动:%1</translation>
    </message>
    <message>
        <source>Moved %1; the schedule still meets every constraint.</source>
        <translation>已移动 %1;排产仍满足全部约束。</translation>
    </message>
    <message>
        <source>Select a task first.</source>
        <translation>请先选择一个任务。</translation>
    </message>
    <message>
        <source>%1 released to the crew.</source>
        <translation>%1 已下达给班组。</translation>
    </message>
    <message>
        <source>%1 acknowledged by the crew.</source>
        <translation>%1 班组已确认。</translation>
    </message>
    <message>
        <source>Late tasks (%1)</source>
        <translation>延误任务 (%1)</translation>
    </message>
    <message>
        <source>Acid plant: %1 blowing, %2 within 30 min, capacity %3</source>
        <translation>制酸:%1 台在吹炼,30 分钟内 %2 台,能力 %3 台</translation>
    </message>
    <message>
        <source>Statistics unavailable: %1</source>
        <translation>统计不可用:%1</translation>
    </message>
    <message>
        <source>plan</source>
        <translation>计划</translation>
    </message>
    <message>
        <source>actual</source>
        <translation>实际</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>Current %1: plan %2 t, actual %3 t (%4); grey plan, blue actual</source>
        <translation>本%1:计划 %2 t,实际 %3 t(%4);灰色为计划,蓝色为实际</translation>
    </message>
</context>
<context>
    <name>DisplayMenu</name>
    <message>
        <source>&amp;Display</source>
        <translation>画面(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>后退(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Forward</source>
        <translation>前进(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Up to parent display</source>
        <translation>返回上级画面(&amp;U)</translation>
    </message>
    <message>
        <source>Open in &amp;new window</source>
        <translation>在新窗口中打开(&amp;N)</translation>
    </message>
    <message>
        <source>Level {n} details</source>
        <translation>第{n}级详细画面</translation>
    </message>
</context>
<context>
    <name>DisplayPanel</name>
    <message>
        <source>Level {n}</source>
        <translation>第{n}级</translation>
    </message>
</context>
<context>
    <name>EnergyPanel</name>
    <message>
        <source>This shift</source>
        <translation>本班</translation>
    </message>
    <message>
        <source>Last shift</source>
        <translation>上一班</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨日</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>能源</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Metering hierarchy (live power)</source>
        <translation>计量层级(实时功率)</translation>
    </message>
    <message>
        <source>Energy per tonne against GB 21248-2007</source>
        <translation>吨产品能耗与GB 21248-2007对比</translation>
    </message>
    <message>
        <source>Split by area</source>
        <translation>按区域分布</translation>
    </message>
    <message>
        <source>Day-ahead forecast and its error on past days</source>
        <translation>次日能耗预测及历史误差</translation>
    </message>
    <message>
        <source>Plant / area / unit / meter</source>
        <translation>工厂/区域/设备/仪表</translation>
    </message>
    <message>
        <source>Live kW</source>
        <translation>实时kW</translation>
    </message>
    <message>
        <source>Period quantity</source>
        <translation>期间用量</translation>
    </message>
    <message>
        <source>kgce</source>
        <translation>kgce</translation>
    </message>
    <message>
        <source>Conversion to standard coal: {factors}</source>
        <translation>折标准煤系数:{factors}</translation>
    </message>
    <message>
        <source>electricity</source>
        <translation>电力</translation>
    </message>
    <message>
        <source>natural gas</source>
        <translation>天然气</translation>
    </message>
    <message>
        <source>calorific equivalent</source>
        <translation>当量值</translation>
    </message>
    <message>
        <source>Reading history...</source>
        <translation>正在读取历史数据...</translation>
    </message>
    <message>
        <source>Cannot read history: {error}</source>
        <translation>无法读取历史数据:{error}</translation>
    </message>
    <message>
        <source>{period}: {start} to {end}</source>
        <translation>{period}:{start} 至 {end}</translation>
    </message>
    <message>
        <source>(batch: judged per day)</source>
        <translation>(批次生产:按日考核)</translation>
    </message>
    <message>
        <source>Dashed: GB 21248-2007 comprehensive limit. Output: {tonnes}. Tankhouse DC: {dc} kWh/t (limit {limit}).</source>
        <translation>虚线:GB 21248-2007综合能耗限额。产量:{tonnes}。电解直流电耗:{dc} kWh/t(限值 {limit})。</translation>
    </message>
    <message>
        <source>Factors: {factors}</source>
        <translation>折算系数:{factors}</translation>
    </message>
    <message>
        <source>Total {total} tce ({factors})</source>
        <translation>合计 {total} tce({factors})</translation>
    </message>
    <message>
        <source>No forecast: {why}</source>
        <translation>无预测:{why}</translation>
    </message>
    <message>
        <source>actual</source>
        <translation>实际</translation>
    </message>
    <message>
        <source>forecast made the day before</source>
        <translation>前一日所作预测</translation>
    </message>
    <message>
        <source>Forecast for {day} from the plan ({plan}): {tce} tce. Mean error on the past {n} days: {mape}.</source>
        <translation>按计划({plan})预测 {day} 能耗:{tce} tce。过去 {n} 天平均误差:{mape}。</translation>
    </message>
</context>
<context>
    <name>EquipmentStatusPanel</name>
    <message>
        <source>running</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>备用</translation>
    </message>
    <message>
        <source>planned stop</source>
        <translation>计划停机</translation>
    </message>
    <message>
        <source>FAULT</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>LOCKED OUT</source>
        <translation>已挂牌上锁</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Equipment</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Run hours</source>
        <translation>运行小时</translation>
    </message>
    <message>
        <source>Vib. mm/s</source>
        <translation>振动 mm/s</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>区</translation>
    </message>
    <message>
        <source>Open WOs</source>
        <translation>未完工单</translation>
    </message>
    <message>
        <source>Next preventive</source>
        <translation>下次预防性维护</translation>
    </message>
    <message>
        <source>Zone C forecast</source>
        <translation>预计进入C区</translation>
    </message>
    <message>
        <source>rigid</source>
        <translation>刚性</translation>
    </message>
    <message>
        <source>flexible</source>
        <translation>柔性</translation>
    </message>
    <message>
        <source>Vibration</source>
        <translation>振动</translation>
    </message>
    <message>
        <source>Motor current / power</source>
        <translation>电机电流 / 功率</translation>
    </message>
    <message>
        <source>{task}: overdue</source>
        <translation>{task}:已逾期</translation>
    </message>
    <message>
        <source>{task} in {days:.0f} d</source>
        <translation>{task}:{days:.0f} 天后</translation>
    </message>
    <message>
        <source>in zone {zone} now</source>
        <translation>已在{zone}区</translation>
    </message>
    <message>
        <source>{date} (~{days:.0f} d)</source>
        <translation>{date}(约 {days:.0f} 天)</translation>
    </message>
    <message>
        <source>ISO 10816 group {group} {foundation}: B {ab} / C {bc} / D {cd} mm/s</source>
        <translation>ISO 10816 第{group}类 {foundation}基础:B {ab} / C {bc} / D {cd} mm/s</translation>
    </message>
    <message>
        <source>{make} {model}, installed {installed}, criticality {criticality}. {zones}</source>
        <translation>{make} {model},安装于 {installed},关键等级 {criticality}。{zones}</translation>
    </message>
    <message>
        <source>State, last 7 days (grey running, light idle, red fault, blue locked out)</source>
        <translation>近7天状态(灰:运行,浅灰:备用,红:故障,蓝:挂牌上锁)</translation>
    </message>
    <message>
        <source>{part}: {left} h of {rated} h left</source>
        <translation>{part}:额定 {rated} 小时,剩余 {left} 小时</translation>
    </message>
    <message>
        <source>{tag}, hourly average, 30 days</source>
        <translation>{tag},小时平均值,30天</translation>
    </message>
    <message>
        <source>Equipment status</source>
        <translation>设备状态</translation>
    </message>
    <message>
        <source>Maintenance is off: the plant layout has no equipment.yaml, or there is no plant database.</source>
        <translation>维护功能未启用:工厂布局中没有 equipment.yaml,或没有工厂数据库。</translation>
    </message>
    <message>
        <source>Maintenance: {error}</source>
        <translation>维护:{error}</translation>
    </message>
    <message>
        <source>{order} requested</source>
        <translation>已申请 {order}</translation>
    </message>
    <message>
        <source>Lock out {equipment}</source>
        <translation>挂牌上锁 {equipment}</translation>
    </message>
    <message>
        <source>Reason (the work to be done):</source>
        <translation>原因(要进行的工作):</translation>
    </message>
    <message>
        <source>{equipment} locked out: its alarms are out of service and writes to it are refused</source>
        <translation>{equipment} 已挂牌上锁:其报警已退出服务,对其写入将被拒绝</translation>
    </message>
    <message>
        <source>{equipment} returned to service</source>
        <translation>{equipment} 已恢复投用</translation>
    </message>
    <message>
        <source>Create work order</source>
        <translation>创建工单</translation>
    </message>
    <message>
        <source>Lock out...</source>
        <translation>挂牌上锁...</translation>
    </message>
    <message>
        <source>Return to service (signed)...</source>
        <translation>恢复投用(需签名)...</translation>
    </message>
</context>
<context>
    <name>Faceplate</name>
    <message>
        <source>no data</source>
        <extracomment>(parent, tag, old text, new text) -&gt; True to go ahead. May be a coroutine function (the default is: it opens the question window-modally and awaits the answer, never ``exec()``). (faceplate, tag, old value, new value) -&gt; the signed request to send, or None when cancelled. The security module replaces the default with its electronic-signature / two-person dialog. the write itself: WritePath.write</extracomment>
        <translation>无数据</translation>
    </message>
    <message>
        <source>ON</source>
        <translation>开</translation>
    </message>
    <message>
        <source>OFF</source>
        <translation>关</translation>
    </message>
    <message>
        <source>Confirm change</source>
        <translation>确认修改</translation>
    </message>
    <message>
        <source>Change {tag}?</source>
        <translation>修改 {tag}?</translation>
    </message>
    <message>
        <source>{old}  →  {new}</source>
        <translation>{old}  →  {new}</translation>
    </message>
    <message>
        <source>New setpoint</source>
        <translation>新设定值</translation>
    </message>
    <message>
        <source>Allowed range: {low} to {high} {unit}</source>
        <translation>允许范围:{low} 至 {high} {unit}</translation>
    </message>
    <message>
        <source>Current: {value}</source>
        <translation>当前值:{value}</translation>
    </message>
    <message>
        <source>&apos;{text}&apos; is not a number.</source>
        <translation>“{text}”不是数字。</translation>
    </message>
    <message>
        <source>{value} {unit} is outside the allowed range {low} to {high} {unit}.</source>
        <translation>{value} {unit} 超出允许范围 {low} 至 {high} {unit}。</translation>
    </message>
    <message>
        <source>Key values</source>
        <translation>关键参数</translation>
    </message>
    <message>
        <source>Trend (10 min): {name}</source>
        <translation>趋势(10分钟):{name}</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>控制方式</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>Setpoints</source>
        <translation>设定值</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>启停命令</translation>
    </message>
    <message>
        <source>Interlocks and permissives</source>
        <translation>联锁与允许条件</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>修改…</translation>
    </message>
    <message>
        <source>Operating procedures…</source>
        <translation>操作规程…</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>启动</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>bad</source>
        <translation>坏值</translation>
    </message>
    <message>
        <source>uncertain</source>
        <translation>不确定</translation>
    </message>
    <message>
        <source>Only in {state}: {tag} is {now}.</source>
        <translation>仅限{state}方式:{tag} 当前为{now}。</translation>
    </message>
    <message>
        <source>not known</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Mode: not provided by the controller</source>
        <translation>控制方式:控制器未提供</translation>
    </message>
    <message>
        <source>The controller drives the output to the setpoint.</source>
        <translation>控制器按设定值自动调节输出。</translation>
    </message>
    <message>
        <source>You set the output; the setpoint applies again in Auto.</source>
        <translation>由您设定输出;切回自动后恢复按设定值调节。</translation>
    </message>
    <message>
        <source>Signals healthy</source>
        <translation>信号正常</translation>
    </message>
    <message>
        <source>Some signals have no data or bad quality</source>
        <translation>部分信号无数据或质量为坏</translation>
    </message>
    <message>
        <source>fault, reset needed before start</source>
        <translation>故障,启动前需复位</translation>
    </message>
    <message>
        <source>no fault</source>
        <translation>无故障</translation>
    </message>
    <message>
        <source>Change of {tag} cancelled.</source>
        <translation>已取消对 {tag} 的修改。</translation>
    </message>
    <message>
        <source>No write path: this console cannot write.</source>
        <translation>无写入通道:本操作站不能写入。</translation>
    </message>
    <message>
        <source>Writing {tag} …</source>
        <translation>正在写入 {tag} …</translation>
    </message>
    <message>
        <source>Done: {tag} = {value} (confirmed by read-back)</source>
        <translation>完成:{tag} = {value}(已回读确认)</translation>
    </message>
    <message>
        <source>Not done: {message}</source>
        <translation>未完成:{message}</translation>
    </message>
    <message>
        <source>Faceplate - {unit}</source>
        <translation>操作面板 - {unit}</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Crucible - first start</source>
        <translation>Crucible - 首次启动</translation>
    </message>
    <message>
        <source>Create the first administrator</source>
        <translation>创建第一个管理员</translation>
    </message>
    <message>
        <source>No users exist in this database yet. The administrator manages users and settings; operators and shift leads are added afterwards (here or with &apos;crucible users add&apos;).</source>
        <translation>此数据库中还没有用户。管理员负责管理用户和设置；操作员和值班长随后添加（在此处或使用 &apos;crucible users add&apos;）。</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>全名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>Create administrator</source>
        <translation>创建管理员</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>GanttView</name>
    <message>
        <source>tap</source>
        <translation>放铜锍</translation>
    </message>
    <message>
        <source>charge</source>
        <translation>加料</translation>
    </message>
    <message>
        <source>slag blow</source>
        <translation>造渣期</translation>
    </message>
    <message>
        <source>skim</source>
        <translation>排渣</translation>
    </message>
    <message>
        <source>copper blow</source>
        <translation>造铜期</translation>
    </message>
    <message>
        <source>pour</source>
        <translation>出铜</translation>
    </message>
    <message>
        <source>crane move</source>
        <translation>行车吊运</translation>
    </message>
    <message>
        <source>AF heat</source>
        <translation>阳极炉精炼</translation>
    </message>
    <message>
        <source>cast</source>
        <translation>浇铸</translation>
    </message>
    <message>
        <source>No schedule yet: press Schedule</source>
        <translation>尚无排产:请按“排产”</translation>
    </message>
    <message>
        <source>now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>Late: %1</source>
        <translation>延误:%1</translation>
    </message>
</context>
<context>
    <name>HandoverPanel</name>
    <message>
        <source>out of service</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>work order</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>standing alarm</source>
        <translation>持续报警</translation>
    </message>
    <message>
        <source>shelved alarm</source>
        <translation>搁置报警</translation>
    </message>
    <message>
        <source>safety</source>
        <translation>安全</translation>
    </message>
    <message>
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>记录人</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Shift handover</source>
        <translation>交接班</translation>
    </message>
    <message>
        <source>{name} crew {crew}, {start}–{end}</source>
        <translation>{name} {crew}班组,{start}–{end}</translation>
    </message>
    <message>
        <source>search the handover history</source>
        <translation>搜索交接班历史</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>safety note (optional)</source>
        <translation>安全事项(可选)</translation>
    </message>
    <message>
        <source>Add standing and shelved alarms, equipment out of service</source>
        <translation>附加持续报警、搁置报警和停用设备</translation>
    </message>
    <message>
        <source>What the next crew must know about this area</source>
        <translation>下一班需要了解的本区域情况</translation>
    </message>
    <message>
        <source>Add entry</source>
        <translation>添加记录</translation>
    </message>
    <message>
        <source>Save my entry</source>
        <translation>保存我的记录</translation>
    </message>
    <message>
        <source>Sign handover (outgoing lead)…</source>
        <translation>交班签字(交班值班长)…</translation>
    </message>
    <message>
        <source>Acknowledge (incoming lead)…</source>
        <translation>接班确认(接班值班长)…</translation>
    </message>
    <message>
        <source>Select your entry in the list first</source>
        <translation>请先在列表中选择您的记录</translation>
    </message>
    <message>
        <source>Password for {user}</source>
        <translation>{user} 的密码</translation>
    </message>
    <message>
        <source>Sign the handover of shift {shift}</source>
        <translation>签署班次 {shift} 的交接班</translation>
    </message>
    <message>
        <source>Acknowledge the handover of shift {shift}</source>
        <translation>确认班次 {shift} 的交接班</translation>
    </message>
    <message>
        <source>CHANGED AFTER SIGNING</source>
        <translation>签字后被修改</translation>
    </message>
    <message>
        <source>open</source>
        <translation>未签字</translation>
    </message>
    <message>
        <source>signed by {a}, acknowledged by {b}</source>
        <translation>{a} 已签字,{b} 已确认</translation>
    </message>
    <message>
        <source>signed by {a}</source>
        <translation>{a} 已签字</translation>
    </message>
    <message>
        <source>{n} entries found</source>
        <translation>找到 {n} 条记录</translation>
    </message>
</context>
<context>
    <name>JournalTableModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>限值</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Console</source>
        <translation>操作台</translation>
    </message>
    <message>
        <source>urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>activate</source>
        <translation>报警激活</translation>
    </message>
    <message>
        <source>clear</source>
        <translation>报警恢复</translation>
    </message>
    <message>
        <source>ack</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>shelve</source>
        <translation>搁置</translation>
    </message>
    <message>
        <source>unshelve</source>
        <translation>取消搁置</translation>
    </message>
    <message>
        <source>suppress</source>
        <translation>抑制</translation>
    </message>
    <message>
        <source>unsuppress</source>
        <translation>取消抑制</translation>
    </message>
    <message>
        <source>oos</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>in_service</source>
        <translation>恢复投用</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Crucible - console locked</source>
        <translation>Crucible - 操作台已锁定</translation>
    </message>
    <message>
        <source>Console locked</source>
        <translation>操作台已锁定</translation>
    </message>
    <message>
        <source>Locked after inactivity or by {user}. Process values keep updating behind this dialog; no action is possible until {user} unlocks, or another user logs in to take over.</source>
        <translation>因长时间无操作或由 {user} 锁定。此对话框后面的过程值仍在持续更新；在 {user} 解锁或其他用户登录接管之前，无法进行任何操作。</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Crucible - switch user</source>
        <translation>Crucible - 切换用户</translation>
    </message>
    <message>
        <source>Shift handover</source>
        <translation>交接班</translation>
    </message>
    <message>
        <source>The next user logs in; {user} is logged out. Nothing restarts.</source>
        <translation>下一位用户登录后，{user} 将被注销。系统不会重启。</translation>
    </message>
    <message>
        <source>Switch user</source>
        <translation>切换用户</translation>
    </message>
    <message>
        <source>Crucible - log in</source>
        <translation>Crucible - 登录</translation>
    </message>
    <message>
        <source>Crucible control room - log in</source>
        <translation>Crucible 控制室 - 登录</translation>
    </message>
    <message>
        <source>Console {console}. Log in with your own user name; every action is recorded.</source>
        <translation>操作台 {console}。请使用您本人的用户名登录；所有操作都会被记录。</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Starting the built-in copper-smelter simulator ...</source>
        <translation>正在启动内置铜冶炼仿真器……</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Outside the approved card ({low} … {high}, {mode}) since {since}</source>
        <translation>超出批准的标准卡范围({low} … {high},{mode}),自 {since} 起</translation>
    </message>
    <message>
        <source>Locked out for work by {who}: {reason}</source>
        <translation>检修隔离,操作人 {who}:{reason}</translation>
    </message>
    <message>
        <source>OOS</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Select an alarm first.</source>
        <translation>请先选择一条报警。</translation>
    </message>
    <message>
        <source>Work order {id} opened</source>
        <translation>已开具工单 {id}</translation>
    </message>
    <message>
        <source>SP</source>
        <translation>设定</translation>
    </message>
    <message>
        <source>NOTE</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Crucible {version} - {plant}</source>
        <translation>Crucible {version} - {plant}</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Work order...</source>
        <translation>工单...</translation>
    </message>
    <message>
        <source>Open a corrective work order for the selected alarm&apos;s machine</source>
        <translation>为所选报警的设备开具纠正性工单</translation>
    </message>
    <message>
        <source>&amp;Reports</source>
        <translation>报表(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Shift report...</source>
        <translation>班报(&amp;S)...</translation>
    </message>
    <message>
        <source>&amp;Daily report...</source>
        <translation>日报(&amp;D)...</translation>
    </message>
    <message>
        <source>&amp;Monthly report...</source>
        <translation>月报(&amp;M)...</translation>
    </message>
    <message>
        <source>Shift &amp;handover</source>
        <translation>交接班(&amp;H)</translation>
    </message>
    <message>
        <source>Process displays</source>
        <translation>工艺画面</translation>
    </message>
    <message>
        <source>Background work: {text}</source>
        <translation>后台任务：{text}</translation>
    </message>
    <message>
        <source>History off</source>
        <translation>历史数据未启用</translation>
    </message>
    <message>
        <source>History buffering ({n} samples)</source>
        <translation>历史数据缓存中（{n} 个样本）</translation>
    </message>
    <message>
        <source>History OK</source>
        <translation>历史数据正常</translation>
    </message>
    <message>
        <source>writer: {name}</source>
        <translation>写入者:{name}</translation>
    </message>
    <message>
        <source>{n} damaged spool record(s) skipped</source>
        <translation>跳过 {n} 条损坏的缓存记录</translation>
    </message>
    <message>
        <source>{n} value(s) rejected</source>
        <translation>{n} 个数值被拒收</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>STALLED</source>
        <translation>停滞</translation>
    </message>
    <message>
        <source>DOWN</source>
        <translation>中断</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>{n}/s</source>
        <translation>{n}/秒</translation>
    </message>
    <message>
        <source>{n} bad</source>
        <translation>{n} 个坏值</translation>
    </message>
</context>
<context>
    <name>MaintenanceSignatureDialog</name>
    <message>
        <source>Crucible - signature</source>
        <translation>Crucible - 电子签名</translation>
    </message>
    <message>
        <source>Electronic signature: {what}</source>
        <translation>电子签名:{what}</translation>
    </message>
    <message>
        <source>{target}: your password, {second}and a reason go into the audit trail.</source>
        <translation>{target}:您的密码、{second}以及原因将记入审计追踪。</translation>
    </message>
    <message>
        <source>a second authorised person </source>
        <translation>第二名授权人员</translation>
    </message>
    <message>
        <source>Your password ({user})</source>
        <translation>您的密码({user})</translation>
    </message>
    <message>
        <source>Second authorised person</source>
        <translation>第二名授权人员</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>what was done, how it was tested</source>
        <translation>做了什么,如何测试</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>签名</translation>
    </message>
</context>
<context>
    <name>MaterialsPanel</name>
    <message>
        <source>Last shift</source>
        <translation>上一班</translation>
    </message>
    <message>
        <source>This shift</source>
        <translation>本班</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨日</translation>
    </message>
    <message>
        <source>concentrate</source>
        <translation>铜精矿</translation>
    </message>
    <message>
        <source>cathode</source>
        <translation>阴极铜</translation>
    </message>
    <message>
        <source>flotation tailings</source>
        <translation>选矿尾矿</translation>
    </message>
    <message>
        <source>acid</source>
        <translation>硫酸</translation>
    </message>
    <message>
        <source>oxygen</source>
        <translation>氧气</translation>
    </message>
    <message>
        <source>slag to flotation</source>
        <translation>渣选矿给料</translation>
    </message>
    <message>
        <source>natural gas</source>
        <translation>天然气</translation>
    </message>
    <message>
        <source>electricity</source>
        <translation>电力</translation>
    </message>
    <message>
        <source>fixed cost</source>
        <translation>固定成本</translation>
    </message>
    <message>
        <source>matte</source>
        <translation>冰铜</translation>
    </message>
    <message>
        <source>blister</source>
        <translation>粗铜</translation>
    </message>
    <message>
        <source>flux</source>
        <translation>熔剂</translation>
    </message>
    <message>
        <source>reverts</source>
        <translation>返料</translation>
    </message>
    <message>
        <source>anode</source>
        <translation>阳极铜</translation>
    </message>
    <message>
        <source>Materials and copper account</source>
        <translation>物料与铜平衡</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Stocks (live)</source>
        <translation>库存(实时)</translation>
    </message>
    <message>
        <source>Copper account</source>
        <translation>铜平衡</translation>
    </message>
    <message>
        <source>Sulphur account</source>
        <translation>硫平衡</translation>
    </message>
    <message>
        <source>Consumption</source>
        <translation>消耗</translation>
    </message>
    <message>
        <source>Cost per tonne of cathode</source>
        <translation>吨阴极铜成本</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Material</source>
        <translation>物料</translation>
    </message>
    <message>
        <source>t</source>
        <translation>t</translation>
    </message>
    <message>
        <source>Cu t</source>
        <translation>含铜 t</translation>
    </message>
    <message>
        <source>Term</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>The account uses the tags of materials.yaml; converter baths, ladles and the anode yard are not measured, so the unaccounted copper of a shift or a day swings with their batch cycles.</source>
        <translation>平衡按materials.yaml中的位号计算;转炉熔体、包子和阳极板库未计量,故单班或单日的未计量铜随批次周期波动。</translation>
    </message>
    <message>
        <source>stock-take</source>
        <translation>盘点</translation>
    </message>
    <message>
        <source>Reading history...</source>
        <translation>正在读取历史数据...</translation>
    </message>
    <message>
        <source>Cannot read history: {error}</source>
        <translation>无法读取历史数据:{error}</translation>
    </message>
    <message>
        <source>In: {term}</source>
        <translation>投入:{term}</translation>
    </message>
    <message>
        <source>Out: {term}</source>
        <translation>产出:{term}</translation>
    </message>
    <message>
        <source>Loss: {term}</source>
        <translation>损失:{term}</translation>
    </message>
    <message>
        <source>Change of stock</source>
        <translation>库存变化</translation>
    </message>
    <message>
        <source>Unaccounted</source>
        <translation>未计量</translation>
    </message>
    <message>
        <source>Unaccounted, % of fed</source>
        <translation>未计量占投入 %</translation>
    </message>
    <message>
        <source>{period}: {start} to {end}</source>
        <translation>{period}:{start} 至 {end}</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Cathode</source>
        <translation>阴极铜</translation>
    </message>
    <message>
        <source>Per tonne of cathode</source>
        <translation>吨阴极铜</translation>
    </message>
</context>
<context>
    <name>PlanApprovalDialog</name>
    <message>
        <source>Approve production plan</source>
        <translation>批准生产计划</translation>
    </message>
    <message>
        <source>Approve plan %1 version %2: your password and a reason go into the audit trail.</source>
        <translation>批准 %1 年计划第 %2 版:您的密码和理由将记入审计追踪。</translation>
    </message>
    <message>
        <source>Your password (%1)</source>
        <translation>您的密码(%1)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Second person</source>
        <translation>第二确认人</translation>
    </message>
    <message>
        <source>Their password</source>
        <translation>其密码</translation>
    </message>
</context>
<context>
    <name>PlanTab</name>
    <message>
        <source>Import plan from the layout</source>
        <translation>从布局导入计划</translation>
    </message>
    <message>
        <source>Approve…</source>
        <translation>批准…</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Created by</source>
        <translation>创建人</translation>
    </message>
    <message>
        <source>Approved by</source>
        <translation>批准人</translation>
    </message>
    <message>
        <source>Approved at</source>
        <translation>批准时间</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>No plant database: plans cannot be stored.</source>
        <translation>无工厂数据库:无法保存计划。</translation>
    </message>
    <message>
        <source>Approving plans needs the permission to edit production plans.</source>
        <translation>批准计划需要“编辑生产计划”权限。</translation>
    </message>
    <message>
        <source>Plan %1 version %2 imported as a draft.</source>
        <translation>%1 年计划第 %2 版已作为草稿导入。</translation>
    </message>
    <message>
        <source>Plan %1 version %2 approved by %3.</source>
        <translation>%1 年计划第 %2 版已由 %3 批准。</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>superseded</source>
        <translation>已替代</translation>
    </message>
    <message>
        <source>Not imported: %1</source>
        <translation>未导入:%1</translation>
    </message>
    <message>
        <source>Select a draft version first.</source>
        <translation>请先选择一个草稿版本。</translation>
    </message>
    <message>
        <source>Not approved: %1</source>
        <translation>未批准:%1</translation>
    </message>
</context>
<context>
    <name>Plant3DPanel</name>
    <message>
        <source>the 3D view is switched off on this computer ({env} is set)</source>
        <extracomment>Set to 1 to switch the 3D view off (a machine whose OpenGL driver misbehaves).</extracomment>
        <translation>本机已关闭三维视图(设置了 {env})</translation>
    </message>
    <message>
        <source>the Qt platform &quot;{platform}&quot; has no OpenGL windows</source>
        <translation>Qt 平台“{platform}”没有 OpenGL 窗口</translation>
    </message>
    <message>
        <source>VTK cannot draw into a Wayland window; start Crucible with QT_QPA_PLATFORM=xcb</source>
        <translation>VTK 无法在 Wayland 窗口中绘图;请用 QT_QPA_PLATFORM=xcb 启动 Crucible</translation>
    </message>
    <message>
        <source>the graphics driver offers no OpenGL 3.2 context</source>
        <translation>显卡驱动不提供 OpenGL 3.2 上下文</translation>
    </message>
    <message>
        <source>3D plant view</source>
        <translation>三维工厂视图</translation>
    </message>
    <message>
        <source>The 3D layout has a mistake: {problem}</source>
        <translation>三维布局文件有错误:{problem}</translation>
    </message>
    <message>
        <source>This plant has no 3D layout (plant3d.yaml).</source>
        <translation>本工厂没有三维布局(plant3d.yaml)。</translation>
    </message>
    <message>
        <source>The 3D plant view cannot be shown here: {reason}.

Everything else in Crucible works as usual. The 3D view needs OpenGL: on a remote desktop use a session with OpenGL (X11 with Mesa is enough); on Wayland start Crucible with QT_QPA_PLATFORM=xcb.</source>
        <translation>此处无法显示三维工厂视图:{reason}。

Crucible 的其他功能照常工作。三维视图需要 OpenGL:远程桌面请使用支持 OpenGL 的会话(X11 加 Mesa 即可);在 Wayland 下请用 QT_QPA_PLATFORM=xcb 启动 Crucible。</translation>
    </message>
    <message>
        <source>{zone}: {n} people</source>
        <translation>{zone}:{n} 人</translation>
    </message>
    <message>
        <source>{zone}: {n} people IN DANGER</source>
        <translation>{zone}:{n} 人处于危险中</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>In alarm: {priority}</source>
        <translation>报警中:{priority}</translation>
    </message>
    <message>
        <source>People in the zone: {n}</source>
        <translation>区内人数:{n}</translation>
    </message>
    <message>
        <source>unsafe above {limit}</source>
        <translation>高于 {limit} 即不安全</translation>
    </message>
    <message>
        <source>unsafe below {limit}</source>
        <translation>低于 {limit} 即不安全</translation>
    </message>
    <message>
        <source>unsafe when {states}</source>
        <translation>处于 {states} 时不安全</translation>
    </message>
    <message>
        <source>Safety unknown: no data</source>
        <translation>安全状态未知:无数据</translation>
    </message>
    <message>
        <source>UNSAFE, people in danger</source>
        <translation>不安全,人员处于危险中</translation>
    </message>
    <message>
        <source>Unsafe: keep out</source>
        <translation>不安全:禁止进入</translation>
    </message>
    <message>
        <source>Safe</source>
        <translation>安全</translation>
    </message>
    <message>
        <source>View:</source>
        <translation>视角:</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
</context>
<context>
    <name>PriorityMixBar</name>
    <message>
        <source>medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>urgent + high</source>
        <translation>紧急 + 高</translation>
    </message>
    <message>
        <source>Actual</source>
        <extracomment>the KPI mix keys as shown: EEMUA&apos;s &quot;high&quot; share is the urgent and high priorities together</extracomment>
        <translation>实际</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <source>an I-MR chart needs at least 2 baseline points, got {n}</source>
        <translation>单值-移动极差(I-MR)图至少需要 2 个基准点,现有 {n} 个</translation>
    </message>
    <message>
        <source>the baseline points are all equal: sigma would be zero</source>
        <translation>基准点全部相同:标准差将为零</translation>
    </message>
    <message>
        <source>subgroup size {size} is not between 2 and 10</source>
        <translation>子组大小 {size} 不在 2 到 10 之间</translation>
    </message>
    <message>
        <source>an X̄-R chart needs at least 2 baseline subgroups, got {m}</source>
        <translation>均值-极差(X̄-R)图至少需要 2 个基准子组,现有 {m} 个</translation>
    </message>
    <message>
        <source>the baseline subgroups have no spread: sigma would be zero</source>
        <translation>基准子组没有离散:标准差将为零</translation>
    </message>
    <message>
        <source>fewer points ({n}) than one subgroup of {subgroup}</source>
        <translation>数据点({n} 个)不足一个 {subgroup} 点的子组</translation>
    </message>
    <message>
        <source>limits need a centre and a positive sigma, got {centre}, {sigma}</source>
        <translation>控制限需要中心值和正的标准差,现为 {centre}、{sigma}</translation>
    </message>
    <message>
        <source>a forecast needs at least {need} past days with energy and production, got {got}</source>
        <translation>预测至少需要 {need} 个有能耗和产量数据的历史日,现有 {got} 个</translation>
    </message>
</context>
<context>
    <name>ReportsPanel</name>
    <message>
        <source>Shift report</source>
        <translation>班报</translation>
    </message>
    <message>
        <source>Daily report</source>
        <translation>日报</translation>
    </message>
    <message>
        <source>Monthly report</source>
        <translation>月报</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Kept reports</source>
        <translation>已存报表</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Generating the report…</source>
        <translation>正在生成报表…</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>on demand</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>{pages} pages, {kb} kB</source>
        <translation>{pages} 页,{kb} kB</translation>
    </message>
    <message>
        <source>The report could not be generated: {error}</source>
        <translation>报表无法生成:{error}</translation>
    </message>
    <message>
        <source>The printer could not be opened</source>
        <translation>无法打开打印机</translation>
    </message>
    <message>
        <source>Save report</source>
        <translation>保存报表</translation>
    </message>
    <message>
        <source>{file}: cannot write: {error}</source>
        <translation>{file}:无法写入:{error}</translation>
    </message>
    <message>
        <source>Saved {file}</source>
        <translation>已保存 {file}</translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <source>operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>shift lead</source>
        <translation>值班长</translation>
    </message>
    <message>
        <source>maintenance</source>
        <translation>维护人员</translation>
    </message>
    <message>
        <source>process engineer</source>
        <translation>工艺工程师</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>laboratory</source>
        <translation>化验员</translation>
    </message>
</context>
<context>
    <name>SecurityUi</name>
    <message>
        <source>&amp;Session</source>
        <translation>会话(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Lock console</source>
        <translation>锁定操作台(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Switch user (shift handover) ...</source>
        <translation>切换用户（交接班）(&amp;S) ...</translation>
    </message>
    <message>
        <source>&amp;Change password ...</source>
        <translation>修改密码(&amp;C) ...</translation>
    </message>
    <message>
        <source>Log &amp;out</source>
        <translation>注销(&amp;O)</translation>
    </message>
    <message>
        <source>Pending OPC UA server &amp;certificates ...</source>
        <translation>待处理的 OPC UA 服务器证书(&amp;C) ...</translation>
    </message>
    <message>
        <source>not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>{user} · LOCKED</source>
        <translation>{user} · 已锁定</translation>
    </message>
    <message>
        <source>No server certificate is waiting for a decision.</source>
        <translation>没有待决定的服务器证书。</translation>
    </message>
</context>
<context>
    <name>ShelveDialog</name>
    <message>
        <source>15 minutes</source>
        <translation>15 分钟</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <source>4 hours</source>
        <translation>4 小时</translation>
    </message>
    <message>
        <source>8 hours (shift)</source>
        <translation>8 小时（一个班次）</translation>
    </message>
    <message>
        <source>One-shot: until it next clears</source>
        <translation>单次：直到该报警下次恢复</translation>
    </message>
    <message>
        <source>Shelve alarms</source>
        <translation>搁置报警</translation>
    </message>
    <message>
        <source>Why (required), e.g. transmitter being replaced</source>
        <translation>原因（必填），例如：正在更换变送器</translation>
    </message>
    <message>
        <source>Alarms:</source>
        <translation>报警：</translation>
    </message>
    <message>
        <source>Duration:</source>
        <translation>时长：</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
</context>
<context>
    <name>SignatureDialog</name>
    <message>
        <source>Crucible - critical change</source>
        <translation>Crucible - 关键变更</translation>
    </message>
    <message>
        <source>Critical change: electronic signature</source>
        <translation>关键变更：电子签名</translation>
    </message>
    <message>
        <source>your password, a second authorised person and a reason</source>
        <translation>您的密码、第二确认人和原因</translation>
    </message>
    <message>
        <source>your password and a reason</source>
        <translation>您的密码和原因</translation>
    </message>
    <message>
        <source>{tag} is marked critical. This change needs {needs}; both names and the reason go into the audit trail.</source>
        <translation>{tag} 被标记为关键位号。此变更需要{needs}；双方姓名和原因都将记入审计追踪。</translation>
    </message>
    <message>
        <source>Your password ({user})</source>
        <translation>您的密码（{user}）</translation>
    </message>
    <message>
        <source>Second authorised person</source>
        <translation>第二确认人</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>why this change (goes into the audit trail)</source>
        <translation>变更原因（将记入审计追踪）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Sign and write</source>
        <translation>签名并写入</translation>
    </message>
</context>
<context>
    <name>SpcPanel</name>
    <message>
        <source>one point beyond 3 sigma</source>
        <translation>1点超出3σ</translation>
    </message>
    <message>
        <source>2 of 3 points beyond 2 sigma, same side</source>
        <translation>连续3点中有2点超出同侧2σ</translation>
    </message>
    <message>
        <source>4 of 5 points beyond 1 sigma, same side</source>
        <translation>连续5点中有4点超出同侧1σ</translation>
    </message>
    <message>
        <source>8 points in a row on one side of the centre line</source>
        <translation>连续8点落在中心线同侧</translation>
    </message>
    <message>
        <source>SPC</source>
        <translation>统计过程控制</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Enter assay...</source>
        <translation>录入化验...</translation>
    </message>
    <message>
        <source>Import laboratory file...</source>
        <translation>导入化验室文件...</translation>
    </message>
    <message>
        <source>Point</source>
        <translation>点</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>What</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Reading assays...</source>
        <translation>正在读取化验数据...</translation>
    </message>
    <message>
        <source>No chart: {error}</source>
        <translation>无控制图:{error}</translation>
    </message>
    <message>
        <source>UCL</source>
        <translation>上控制限</translation>
    </message>
    <message>
        <source>CL</source>
        <translation>中心线</translation>
    </message>
    <message>
        <source>LCL</source>
        <translation>下控制限</translation>
    </message>
    <message>
        <source>MR</source>
        <translation>移动极差</translation>
    </message>
    <message>
        <source>R</source>
        <translation>极差</translation>
    </message>
    <message>
        <source>I-MR chart</source>
        <translation>单值-移动极差图</translation>
    </message>
    <message>
        <source>X̄-R chart, subgroups of {n}</source>
        <translation>均值-极差图,子组大小 {n}</translation>
    </message>
    <message>
        <source>given</source>
        <translation>给定</translation>
    </message>
    <message>
        <source>from the first {n} points</source>
        <translation>取自前 {n} 点</translation>
    </message>
    <message>
        <source>{chart}; limits {source}: CL {cl}, UCL {ucl}, LCL {lcl}, sigma {sigma}. Red: Western Electric rule broken (number = rule).</source>
        <translation>{chart};控制限{source}:中心线 {cl},上控制限 {ucl},下控制限 {lcl},σ {sigma}。红点:违反西电判异规则(数字为规则号)。</translation>
    </message>
    <message>
        <source>{n} points, {v} out of control</source>
        <translation>{n} 点,{v} 点失控</translation>
    </message>
    <message>
        <source>Log in to enter or import assays.</source>
        <translation>请登录后录入或导入化验结果。</translation>
    </message>
    <message>
        <source>The console is locked: unlock it to enter or import assays.</source>
        <translation>操作台已锁定：解锁后才能录入或导入化验结果。</translation>
    </message>
    <message>
        <source>Entering and importing assays needs the permission to enter assays (laboratory, shift lead, process engineer, administrator).</source>
        <translation>录入和导入化验结果需要“录入化验结果”权限(化验员、值班长、工艺工程师、管理员)。</translation>
    </message>
    <message>
        <source>Import laboratory file</source>
        <translation>导入化验室文件</translation>
    </message>
    <message>
        <source>Laboratory CSV (*.csv)</source>
        <translation>化验室CSV文件 (*.csv)</translation>
    </message>
    <message>
        <source>Importing {file}...</source>
        <translation>正在导入 {file}...</translation>
    </message>
    <message>
        <source>{n} assays imported</source>
        <translation>已导入 {n} 条化验结果</translation>
    </message>
    <message>
        <source>File rejected, nothing imported ({n} problems). First: {problem}</source>
        <translation>文件被拒绝，未导入任何数据(共 {n} 处问题)。第一处：{problem}</translation>
    </message>
    <message>
        <source>File not imported: {error}</source>
        <translation>文件未导入：{error}</translation>
    </message>
    <message>
        <source>Checking the signature...</source>
        <translation>正在验证签名...</translation>
    </message>
    <message>
        <source>Assay stored and signed by {user}</source>
        <translation>化验结果已保存,签名人 {user}</translation>
    </message>
    <message>
        <source>Assay not stored: {error}</source>
        <translation>化验结果未保存:{error}</translation>
    </message>
</context>
<context>
    <name>StandardsPanel</name>
    <message>
        <source>Standards</source>
        <translation>工艺标准</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Mode now</source>
        <translation>当前工况</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>标准卡</translation>
    </message>
    <message>
        <source>Setpoint</source>
        <translation>设定值</translation>
    </message>
    <message>
        <source>Approved band</source>
        <translation>批准范围</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标值</translation>
    </message>
    <message>
        <source>Propose a card change</source>
        <translation>提出标准卡变更</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>下限</translation>
    </message>
    <message>
        <source>High</source>
        <translation>上限</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>依据</translation>
    </message>
    <message>
        <source>Say why the card changes.</source>
        <translation>请说明变更原因。</translation>
    </message>
    <message>
        <source>The target must lie between low and high.</source>
        <translation>目标值必须在上下限之间。</translation>
    </message>
    <message>
        <source>Your password</source>
        <translation>您的密码</translation>
    </message>
    <message>
        <source>Second person</source>
        <translation>第二人</translation>
    </message>
    <message>
        <source>Their password</source>
        <translation>第二人密码</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>实时值</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>工况</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <source>Changed by</source>
        <translation>修改人</translation>
    </message>
    <message>
        <source>Proposed by</source>
        <translation>提出人</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>标准卡</translation>
    </message>
    <message>
        <source>Drifts</source>
        <translation>偏离</translation>
    </message>
    <message>
        <source>Procedures</source>
        <translation>操作规程</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>操作备注</translation>
    </message>
    <message>
        <source>Propose change…</source>
        <translation>提出变更…</translation>
    </message>
    <message>
        <source>Apply card…</source>
        <translation>下装标准卡…</translation>
    </message>
    <message>
        <source>Approve…</source>
        <translation>批准…</translation>
    </message>
    <message>
        <source>Reject…</source>
        <translation>驳回…</translation>
    </message>
    <message>
        <source>Proposals waiting for a second person:</source>
        <translation>等待第二人批准的变更:</translation>
    </message>
    <message>
        <source>Start procedure</source>
        <translation>开始执行规程</translation>
    </message>
    <message>
        <source>Done: next step</source>
        <translation>完成:下一步</translation>
    </message>
    <message>
        <source>Pin note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <source>Remove note</source>
        <translation>删除备注</translation>
    </message>
    <message>
        <source>Temporary measure or known fault</source>
        <translation>临时措施或已知故障</translation>
    </message>
    <message>
        <source>Needs the permission to change settings (process engineer).</source>
        <translation>需要修改设置的权限(工艺工程师)。</translation>
    </message>
    <message>
        <source>drift since {t}</source>
        <translation>自 {t} 起偏离</translation>
    </message>
    <message>
        <source>outside, within grace</source>
        <translation>超出范围,宽限期内</translation>
    </message>
    <message>
        <source>in band</source>
        <translation>在范围内</translation>
    </message>
    <message>
        <source>Run #{id}: {title} (step {n})</source>
        <translation>执行 #{id}:{title}(第 {n} 步)</translation>
    </message>
    <message>
        <source>{who} at {when}</source>
        <translation>{who} 于 {when}</translation>
    </message>
    <message>
        <source>sign-off</source>
        <translation>签字确认</translation>
    </message>
    <message>
        <source>Procedure available: {names}</source>
        <translation>可用规程:{names}</translation>
    </message>
    <message>
        <source>Select a setpoint of a card first.</source>
        <translation>请先选择标准卡中的一个设定值。</translation>
    </message>
    <message>
        <source>Proposed {unit}/{mode} v{version}: a second person approves it.</source>
        <translation>已提出 {unit}/{mode} 第 {version} 版:需第二人批准。</translation>
    </message>
    <message>
        <source>Select a proposal first.</source>
        <translation>请先选择一项变更。</translation>
    </message>
    <message>
        <source>Approve card change</source>
        <translation>批准标准卡变更</translation>
    </message>
    <message>
        <source>Reject card change</source>
        <translation>驳回标准卡变更</translation>
    </message>
    <message>
        <source>{unit}/{mode} v{version} proposed by {who}: {reason}</source>
        <translation>{unit}/{mode} 第 {version} 版,由 {who} 提出:{reason}</translation>
    </message>
    <message>
        <source>You may not approve card changes.</source>
        <translation>您无权批准标准卡变更。</translation>
    </message>
    <message>
        <source>{unit}/{mode} v{version}: {status}</source>
        <translation>{unit}/{mode} 第 {version} 版:{status}</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <source>Log in to apply a card.</source>
        <translation>请登录后再下装标准卡。</translation>
    </message>
    <message>
        <source>Apply card</source>
        <translation>下装标准卡</translation>
    </message>
    <message>
        <source>Write every setpoint of {unit}/{mode} v{version} to its target: {items}</source>
        <translation>将 {unit}/{mode} 第 {version} 版的每个设定值写为目标值:{items}</translation>
    </message>
    <message>
        <source>Writing the card …</source>
        <translation>正在写入标准卡…</translation>
    </message>
    <message>
        <source>{unit}/{mode} v{version}: all {n} setpoint(s) written and confirmed.</source>
        <translation>{unit}/{mode} 第 {version} 版:{n} 个设定值已全部写入并确认。</translation>
    </message>
    <message>
        <source>Sign off</source>
        <translation>签字确认</translation>
    </message>
    <message>
        <source>Select a note first.</source>
        <translation>请先选择一条备注。</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Setpoints</source>
        <translation>设定值</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>By</source>
        <translation>作者</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>到期</translation>
    </message>
</context>
<context>
    <name>State</name>
    <message>
        <source>IDLE</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>CHARGING</source>
        <translation>进料</translation>
    </message>
    <message>
        <source>SLAG_BLOW</source>
        <translation>造渣期吹炼</translation>
    </message>
    <message>
        <source>SKIMMING</source>
        <translation>排渣</translation>
    </message>
    <message>
        <source>COPPER_BLOW</source>
        <translation>造铜期吹炼</translation>
    </message>
    <message>
        <source>POURING</source>
        <translation>出铜</translation>
    </message>
    <message>
        <source>MAINTENANCE</source>
        <translation>检修</translation>
    </message>
    <message>
        <source>MELTING</source>
        <translation>熔化</translation>
    </message>
    <message>
        <source>OXIDISING</source>
        <translation>氧化</translation>
    </message>
    <message>
        <source>REDUCING</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>CASTING</source>
        <translation>浇铸</translation>
    </message>
    <message>
        <source>HOLDING</source>
        <translation>保温</translation>
    </message>
    <message>
        <source>STOPPED</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>RUNNING</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>FAULT</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>ON</source>
        <translation>开</translation>
    </message>
    <message>
        <source>OFF</source>
        <translation>关</translation>
    </message>
    <message>
        <source>AUTO</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>MANUAL</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>PERMITTED</source>
        <translation>允许</translation>
    </message>
    <message>
        <source>BLOCKED</source>
        <translation>禁止</translation>
    </message>
    <message>
        <source>HEALTHY</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>TRIPPED</source>
        <translation>已跳闸</translation>
    </message>
</context>
<context>
    <name>Symbols</name>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
</context>
<context>
    <name>TagBrowserPanel</name>
    <message>
        <source>Tag browser</source>
        <translation>位号浏览器</translation>
    </message>
    <message>
        <source>All areas</source>
        <translation>全部区域</translation>
    </message>
    <message>
        <source>Filter by tag or description</source>
        <translation>按位号或描述筛选</translation>
    </message>
</context>
<context>
    <name>TagTableModel</name>
    <message>
        <source>Tag</source>
        <translation>位号</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>好</translation>
    </message>
    <message>
        <source>Uncertain</source>
        <translation>不确定</translation>
    </message>
    <message>
        <source>Bad</source>
        <translation>坏</translation>
    </message>
    <message>
        <source>No data</source>
        <translation>无数据</translation>
    </message>
</context>
<context>
    <name>TrendPanel</name>
    <message>
        <source>Trends</source>
        <translation>趋势</translation>
    </message>
    <message>
        <source>Axis: % of range</source>
        <translation>坐标轴：量程百分比</translation>
    </message>
    <message>
        <source>Axis: {pen}</source>
        <translation>坐标轴：{pen}</translation>
    </message>
    <message>
        <source>History unavailable: {error}</source>
        <translation>历史数据不可用：{error}</translation>
    </message>
    <message>
        <source>Loading history ...</source>
        <translation>正在加载历史数据 ...</translation>
    </message>
    <message>
        <source>No history database: live values only</source>
        <translation>无历史数据库：仅显示实时值</translation>
    </message>
    <message>
        <source>History unavailable</source>
        <translation>历史数据不可用</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>Trend: {pens}</source>
        <translation>趋势：{pens}</translation>
    </message>
    <message>
        <source>Export trend data</source>
        <translation>导出趋势数据</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export trend picture</source>
        <translation>导出趋势图片</translation>
    </message>
    <message>
        <source>PNG (*.png)</source>
        <translation>PNG (*.png)</translation>
    </message>
    <message>
        <source>Tag name, or double-click a tag in the tag browser</source>
        <translation>位号名称，或在位号浏览器中双击位号</translation>
    </message>
    <message>
        <source>Add pen</source>
        <translation>添加曲线</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>10 min</source>
        <translation>10 分钟</translation>
    </message>
    <message>
        <source>1 h</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <source>8 h</source>
        <translation>8 小时</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24 小时</translation>
    </message>
    <message>
        <source>7 d</source>
        <translation>7 天</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <source>Export PNG</source>
        <translation>导出 PNG</translation>
    </message>
    <message>
        <source>% of range</source>
        <translation>量程 %</translation>
    </message>
</context>
<context>
    <name>Unit</name>
    <message>
        <source>persons</source>
        <translation>人</translation>
    </message>
    <message>
        <source>count</source>
        <translation>个</translation>
    </message>
    <message>
        <source>batches</source>
        <translation>炉次</translation>
    </message>
    <message>
        <source>ratio</source>
        <translation>比值</translation>
    </message>
    <message>
        <source>anodes</source>
        <translation>块</translation>
    </message>
    <message>
        <source>cells</source>
        <translation>槽</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <source>Crucible - user</source>
        <translation>Crucible - 用户</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>User {user}</source>
        <translation>用户 {user}</translation>
    </message>
    <message>
        <source>Leave the password empty to keep it.</source>
        <translation>密码留空则保持不变。</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>全名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>已启用</translation>
    </message>
    <message>
        <source>Locked until</source>
        <translation>锁定至</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>UsersPanel</name>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>The user list could not be refreshed: the plant database does not answer.</source>
        <translation>用户列表无法刷新：工厂数据库没有响应。</translation>
    </message>
    <message>
        <source>Add user ...</source>
        <translation>添加用户 ...</translation>
    </message>
    <message>
        <source>Roles / password ...</source>
        <translation>角色 / 密码 ...</translation>
    </message>
    <message>
        <source>Enable / disable</source>
        <translation>启用 / 禁用</translation>
    </message>
    <message>
        <source>Select a user first.</source>
        <translation>请先选择一个用户。</translation>
    </message>
    <message>
        <source>You cannot disable yourself.</source>
        <translation>不能禁用您自己。</translation>
    </message>
    <message>
        <source>{user} enabled</source>
        <translation>已启用 {user}</translation>
    </message>
    <message>
        <source>{user} disabled</source>
        <translation>已禁用 {user}</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>Keyboard shortcuts</source>
        <extracomment>over with Switch user, or locks the console, but does not shut the control room&apos;s screen.</extracomment>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Close a faceplate or dialog</source>
        <translation>关闭面板或对话框</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Does</source>
        <translation>作用</translation>
    </message>
    <message>
        <source>&amp;Print current display ...</source>
        <translation>打印当前画面(&amp;P) ...</translation>
    </message>
    <message>
        <source>&amp;Export current display as PNG ...</source>
        <translation>将当前画面导出为 PNG(&amp;E) ...</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;User guide</source>
        <translation>用户指南(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About Crucible</source>
        <translation>关于 Crucible(&amp;A)</translation>
    </message>
    <message>
        <source>Print current display</source>
        <translation>打印当前画面</translation>
    </message>
    <message>
        <source>The printer could not be opened.</source>
        <translation>无法打开打印机。</translation>
    </message>
    <message>
        <source>Export current display as PNG</source>
        <translation>将当前画面导出为 PNG</translation>
    </message>
    <message>
        <source>PNG pictures (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>Display exported to {path}</source>
        <translation>画面已导出到 {path}</translation>
    </message>
    <message>
        <source>Could not write {path}</source>
        <translation>无法写入 {path}</translation>
    </message>
    <message>
        <source>Crucible user guide</source>
        <translation>Crucible 用户指南</translation>
    </message>
    <message>
        <source>The user guide {path} cannot be read: {error}</source>
        <translation>无法读取用户指南 {path}：{error}</translation>
    </message>
    <message>
        <source>About Crucible</source>
        <translation>关于 Crucible</translation>
    </message>
    <message>
        <source>Control-room HMI for copper smelters.</source>
        <translation>铜冶炼厂中控室人机界面。</translation>
    </message>
    <message>
        <source>Plant: {plant}</source>
        <translation>工厂：{plant}</translation>
    </message>
    <message>
        <source>Console: {console}</source>
        <translation>操作站：{console}</translation>
    </message>
    <message>
        <source>Displays: {n}, tags: {tags}, alarms: {alarms}</source>
        <translation>画面：{n}，位号：{tags}，报警：{alarms}</translation>
    </message>
    <message>
        <source>Quit Crucible</source>
        <translation>退出 Crucible</translation>
    </message>
    <message>
        <source>The console stays open.</source>
        <translation>操作站保持打开。</translation>
    </message>
    <message>
        <source>Hand over with Session &gt; Switch user, or lock the console.</source>
        <translation>请通过“会话 &gt; 切换用户”交班，或锁定操作站。</translation>
    </message>
    <message>
        <source>Close the Crucible console?</source>
        <translation>关闭 Crucible 操作站？</translation>
    </message>
    <message>
        <source>Live values, alarms and the alarm horn stop on this screen until it is started again.</source>
        <translation>在重新启动之前，此屏幕上的实时值、报警和报警喇叭都将停止。</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Keep running</source>
        <translation>继续运行</translation>
    </message>
</context>
<context>
    <name>WorkOrderPanel</name>
    <message>
        <source>requested</source>
        <translation>已申请</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>scheduled</source>
        <translation>已排程</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完工</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>corrective</source>
        <translation>纠正性</translation>
    </message>
    <message>
        <source>preventive</source>
        <translation>预防性</translation>
    </message>
    <message>
        <source>predictive</source>
        <translation>预测性</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Equipment</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Requested</source>
        <translation>申请时间</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Work orders</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Maintenance is off: the plant layout has no equipment.yaml, or there is no plant database.</source>
        <translation>维护功能未启用:工厂布局中没有 equipment.yaml,或没有工厂数据库。</translation>
    </message>
    <message>
        <source>Work orders: {error}</source>
        <translation>工单:{error}</translation>
    </message>
    <message>
        <source>{order} is now {status}</source>
        <translation>{order} 现为{status}</translation>
    </message>
    <message>
        <source>Equipment: {equipment}   Status: {status}</source>
        <translation>设备:{equipment}   状态:{status}</translation>
    </message>
    <message>
        <source>Alarm: {alarm}</source>
        <translation>报警:{alarm}</translation>
    </message>
    <message>
        <source>Trend snapshot: {tags}</source>
        <translation>趋势快照:{tags}</translation>
    </message>
    <message>
        <source>Forecast: zone {zone} in about {days:.0f} days ({confidence} confidence)</source>
        <translation>预测:约 {days:.0f} 天后进入{zone}区(置信度{confidence})</translation>
    </message>
    <message>
        <source>Mark {status}</source>
        <translation>标记为{status}</translation>
    </message>
    <message>
        <source>Next step</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>No one is logged in: log in first.</source>
        <translation>无人登录:请先登录。</translation>
    </message>
    <message>
        <source>Parts used: {error}</source>
        <translation>所用备件:{error}</translation>
    </message>
    <message>
        <source>Cancel work order</source>
        <translation>取消工单</translation>
    </message>
    <message>
        <source>Cancel {order}?</source>
        <translation>取消 {order}?</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Open orders</source>
        <translation>未关闭工单</translation>
    </message>
    <message>
        <source>All orders</source>
        <translation>全部工单</translation>
    </message>
    <message>
        <source>Cancel order</source>
        <translation>取消工单</translation>
    </message>
    <message>
        <source>Work done</source>
        <translation>完成的工作</translation>
    </message>
    <message>
        <source>Labour</source>
        <translation>工时</translation>
    </message>
    <message>
        <source>Parts used</source>
        <translation>所用备件</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>part x quantity; part x quantity</source>
        <translation>备件 x 数量; 备件 x 数量</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Close (signed)...</source>
        <translation>关闭(需签名)...</translation>
    </message>
</context>
</TS>
