package org.cytolabel.deploy;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Prometheus Operator's ServiceMonitor (monitoring.coreos.com/v1), the fields the chart uses. */
@Group("monitoring.coreos.com")
@Version("v1")
@Kind("ServiceMonitor")
public class ServiceMonitor extends CustomResource<ServiceMonitor.Spec, Void> implements Namespaced {
    private static final long serialVersionUID = 1L;

    /** Fields outside the chart's subset land in additionalProperties, which the tests require empty. */
    public static class Extensible {
        private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

        @JsonAnyGetter
        public Map<String, Object> getAdditionalProperties() {
            return additionalProperties;
        }

        @JsonAnySetter
        public void setAdditionalProperty(String name, Object value) {
            additionalProperties.put(name, value);
        }
    }

    public static class Spec extends Extensible {
        private NamespaceSelector namespaceSelector;
        private LabelSelector selector;
        private List<Endpoint> endpoints = new ArrayList<>();

        public NamespaceSelector getNamespaceSelector() {
            return namespaceSelector;
        }

        public void setNamespaceSelector(NamespaceSelector namespaceSelector) {
            this.namespaceSelector = namespaceSelector;
        }

        public LabelSelector getSelector() {
            return selector;
        }

        public void setSelector(LabelSelector selector) {
            this.selector = selector;
        }

        public List<Endpoint> getEndpoints() {
            return endpoints;
        }

        public void setEndpoints(List<Endpoint> endpoints) {
            this.endpoints = endpoints;
        }
    }

    public static class NamespaceSelector extends Extensible {
        private List<String> matchNames = new ArrayList<>();

        public List<String> getMatchNames() {
            return matchNames;
        }

        public void setMatchNames(List<String> matchNames) {
            this.matchNames = matchNames;
        }
    }

    public static class Endpoint extends Extensible {
        private String port;
        private String path;
        private String scheme;
        private String interval;
        private String scrapeTimeout;

        public String getPort() {
            return port;
        }

        public void setPort(String port) {
            this.port = port;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public String getScheme() {
            return scheme;
        }

        public void setScheme(String scheme) {
            this.scheme = scheme;
        }

        public String getInterval() {
            return interval;
        }

        public void setInterval(String interval) {
            this.interval = interval;
        }

        public String getScrapeTimeout() {
            return scrapeTimeout;
        }

        public void setScrapeTimeout(String scrapeTimeout) {
            this.scrapeTimeout = scrapeTimeout;
        }
    }
}
