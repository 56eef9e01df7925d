package com.canisterhost.identity;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Resolves the caller of every API request from its {@code Authorization} header before the handler runs (so an
 * unknown or revoked key is a 401 on any endpoint), and hands it to handler methods that declare a {@link Caller}
 * parameter.
 */
@Configuration(proxyBeanMethods = false)
class CallerResolution implements WebMvcConfigurer {

    private static final String ATTRIBUTE = CallerResolution.class.getName() + ".caller";

    private final ApiKeys keys;

    CallerResolution(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                request.setAttribute(ATTRIBUTE, keys.authenticate(request.getHeader("Authorization")));
                return true;
            }
        }).addPathPatterns("/v1/**");
    }

    @Override
    public void addArgumentResolvers(java.util.List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == Caller.class;
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav,
                    NativeWebRequest request, WebDataBinderFactory binders) {
                Object caller = request.getAttribute(ATTRIBUTE, NativeWebRequest.SCOPE_REQUEST);
                return caller != null ? caller : keys.authenticate(request.getHeader("Authorization"));
            }
        });
    }
}
