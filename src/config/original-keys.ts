// Sections and keys of the original service's config.ini that mean nothing here. They are accepted,
// so an existing file keeps working, and each one present is named in a warning that says why it is
// ignored. Sources: the original's resources/src/config.ini and the config template of its Chef
// cookbook (redBorder/cookbook-rb-aioutliers, rb-aioutliers_config.ini.erb / .yml.erb).

export interface IgnoredSection {
  keys: readonly string[];
  reason: string;
}

const server = ["outliers_binding_address", "outliers_server_port", "outliers_server_workers", "outliers_server_threads"];

/** Whole sections of the original that are read and ignored. */
export const ignoredSections: Readonly<Record<string, IgnoredSection>> = {
  OutliersServerTraining: { keys: server, reason: "training runs inside the service ([Outliers] schedule_hour, training_enabled)" },
  OutliersServerTesting: { keys: server, reason: "there is no separate testing server" },
  NTP: { keys: ["ntp_server"], reason: "times come from the system clock; keep it synchronised with chronyd or ntpd" },
  redBorder: { keys: ["api_endpoint", "api_oauth_token"], reason: "the manager's API is not called" },
  Rails: { keys: ["endpoint", "auth_token"], reason: "the manager's API is not called" },
  ZooKeeper: {
    keys: ["zk_sleep_time", "zk_tick_time", "zk_hosts", "zk_sync_path", "zk_name"],
    reason: "no ZooKeeper coordination: every box trains on its own schedule",
  },
};

/** Keys of the original in sections we honour, read and ignored. */
export const ignoredKeys: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  OutliersServerProduction: {
    outliers_server_workers: "one process serves both APIs",
    outliers_server_threads: "one process serves both APIs",
  },
  Outliers: { target_sensors: "the Druid query's filter chooses the sensors" },
};
