package dev.dtc.spring.boot;

import dev.dtc.xa.TransactionalDataSource;
import java.util.Map;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.config.ConstructorArgumentValues;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Declares one {@link TransactionalDataSource} bean per {@code dtc.datasources} entry, named as the entry, made by
 * {@link DtcDataSourceFactory} and closed before the transaction service. The entry marked {@code primary: true},
 * or the only entry, is the {@code @Primary} DataSource (what Spring Boot's JPA, JdbcTemplate and health support
 * pick when they want one).
 *
 * <p>It runs while the configuration is read, before any bean exists: the entries are bound and checked here, so a
 * wrong one stops the start before a log directory or a connection is opened.
 */
final class DtcDataSourceRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanClassLoaderAware {

    static final String FACTORY_BEAN = "dtcDataSourceFactory";

    private Environment environment;
    private ClassLoader classLoader;

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        Map<String, DtcProperties.DataSource> entries = Binder.get(environment)
                .bind(DtcPropertiesCheck.DATASOURCES, Bindable.mapOf(String.class, DtcProperties.DataSource.class))
                .orElse(Map.of());
        DtcPropertiesCheck.checkDataSources(entries, classLoader);
        boolean onlyOne = entries.size() == 1;
        entries.forEach((name, ds) -> {
            if (registry.containsBeanDefinition(name)) {
                throw new InvalidConfigurationPropertyValueException(DtcPropertiesCheck.DATASOURCES + "." + name,
                        name, "the data source bean would be named '" + name + "', and the application already has"
                        + " a bean of that name: give the dtc.datasources entry another name");
            }
            RootBeanDefinition bean = new RootBeanDefinition();
            bean.setTargetType(TransactionalDataSource.class);
            bean.setFactoryBeanName(FACTORY_BEAN);
            bean.setFactoryMethodName("create");
            ConstructorArgumentValues args = new ConstructorArgumentValues();
            args.addIndexedArgumentValue(0, name);
            args.addIndexedArgumentValue(1, ds);
            bean.setConstructorArgumentValues(args);
            bean.setDestroyMethodName("close");
            bean.setPrimary(ds.primary() || onlyOne);
            bean.setDescription("dtc.datasources." + name);
            registry.registerBeanDefinition(name, bean);
        });
    }
}
