<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
    <name>Faceplate</name>
    <message>
        <source>no data</source>
        <extracomment>(parent, tag, old text, new text) -&gt; True to go ahead the write itself: WritePath.write</extracomment>
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
        <source>Mode: not provided by the controller</source>
        <translation>控制方式:控制器未提供</translation>
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
    <name>MainWindow</name>
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
        <source>connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>已连接</translation>
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
</context>
</TS>
