# Casedesk's test harness: a throwaway Request Tracker. Inert unless CASEDESK_RT_DB is set, so it never
# changes a real installation. Installed by scripts/rt-server.sh into RT_SiteConfig.d (sorts after
# 51-dbconfig-common.pm, which sets the Debian database path).
if ($ENV{CASEDESK_RT_DB}) {
    Set($DatabaseType, 'SQLite');
    Set($DatabaseName, $ENV{CASEDESK_RT_DB});
    Set($WebDomain, '127.0.0.1');
    Set($WebPort, $ENV{CASEDESK_RT_PORT} || 8080);
    Set($WebPath, '');
    Set($WebBaseURL, 'http://127.0.0.1:' . ($ENV{CASEDESK_RT_PORT} || 8080));
    Set($LogToSyslog, undef);
    Set($LogToSTDERR, 'warning');
    Set($MailCommand, 'testfile');
    Set($DisableGraphViz, 1);
    Set($DisableGD, 1);
}
1;
