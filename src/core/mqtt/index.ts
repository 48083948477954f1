/** MQTT for the live feeds: one connection with visible states and reconnects, used by the MQTT flow source, the alert publisher and the sensor. */
export { topicMatches } from './topic-filter';
export { brokerCredentials, brokerUrl, describeMqttError, MqttConnection, type ConnectionState, type MqttConnectionOptions, type QoS } from './connection';
