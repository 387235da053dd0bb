var e,t,n,r,i,a,o,s,c,l,u=Symbol.for(`pv`),d={},f=[],p=/^m(i|n|o|s|text|space)$/,m=Array.isArray,h=f.slice,g=Object.assign;function _(e){e&&e.parentNode&&e.remove()}function v(e,t,n){var r,i,a,o={},s=arguments.length;for(a in t)a==`key`?r=t[a]:a==`ref`&&typeof e!=`function`?i=t[a]:o[a]=t[a];return s>2&&(o.children=s>3?h.call(arguments,2):n),y(e,o,r,i,null)}function y(n,r,i,a,o){var s={type:n,props:r,key:i,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:u,__v:o||++t,__i:-1,__u:0};return!o&&e.vnode&&e.vnode(s),s}function b(e){return e.children}function x(e,t){this.props=e,this.context=t,this.__g=0}function S(e,t){if(t==null)return e.__&&S(e.__,e.__i+1);for(var n;t<e.__k.length;t++)if((n=e.__k[t])&&n.__e)return n.__e;return typeof e.type!=`function`||e.props.__P?null:S(e)}function C(t){var n,r=t.__v,i=r.__e,a=[],o=[],s=t.__P;s&&((n=g({constructor:u},r)).__v=r.__v+1,e.vnode&&e.vnode(n),A(s,n,r,t.__n,s.namespaceURI,32&r.__u?[i]:null,a,i||S(r),32&r.__u,o),n.__v=r.__v,n.__.__k[n.__i]=n,oe(a,n,o),r.__=r.__e=null,n.__e!=i&&w(n))}function w(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),w(e)}function T(t){(8&t.__g||(t.__g|=8,n.push(t),i++))&&r==e.debounceRendering||((r=e.debounceRendering)||queueMicrotask)(E)}function E(){try{for(var e,t=1;n.length;)n.length>t&&n.sort(a),e=n.shift(),t=n.length,8&e.__g&&C(e)}finally{(i=n.length)&&(r||queueMicrotask)(E)}}function ee(e,t,n,r,i,a,o,s,c,l,u){var p,m,h,g,_,v,y=r.__k||f,b=t.length;for(c=D(n,t,y,c,b),p=0;p<b;p++)(h=n.__k[p])!=null&&(m=~h.__i&&y[h.__i]||d,h.__i=p,v=A(e,h,m,i,a,o,s,c,l,u),g=h.__e,(m.ref!=h.ref||8&m.__u)&&(m.ref&&j(m.ref,null,h,m),h.ref&&u.push(h.ref,h.__c||g,h)),_||=g,4&h.__u?(c=O(h,c,e,!m.__v),m.__e&&(m.__e=null)):typeof h.type==`function`&&v!==void 0?c=v:g&&(c=g.nextSibling),h.__u&=-21);return n.__e=_,c}function D(e,t,n,r,i){var a,o,s,c,l,d,f,p,h,g=n.length,_=g,v=0,x=0,C=e.__k=Array(i);for(a=0;a<i;a++)(o=t[a])!=null&&typeof o!=`boolean`&&typeof o!=`function`?(typeof o!=`object`||o.constructor===String?o=C[a]=y(null,o):m(o)?o=C[a]=y(b,{children:o}):o.constructor===u&&o.__b?o=C[a]=y(o.type,o.props,o.key,o.ref,o.__v):C[a]=o,c=a+v,o.__=e,o.__b=e.__b+1,s=null,~(l=o.__i=k(o,n,c,_))&&(_--,(s=n[l])&&(s.__u|=2)),s&&s.__v?(o.__u|=16,l==c-1?v--:l==c+1?v++:l!=c&&(l>c?v--:v++,x=1)):(~l||(i>g?v--:i<g&&v++),typeof o.type!=`function`&&(o.__u|=4))):C[a]=null;if(x){for(d=[],f=[],a=0;a<i;a++)if((o=C[a])&&16&o.__u){for(v=0,p=d.length;v<p;)d[h=v+p>>1]<o.__i?v=h+1:p=h;d[v]=o.__i,f[a]=v+1}for(v=d.length;a--;)f[a]&&(f[a]==v?v--:C[a].__u|=4)}if(_)for(a=0;a<g;a++)!(s=n[a])||2&s.__u||(s.__e==r&&(r=S(s)),ce(s,s));return r}function O(e,t,n,r){var i,a,o,s;if(typeof e.type==`function`){if(e.props.__P)return t;if(i=e.__k)for(a=0;a<i.length;a++)i[a]&&(i[a].__=e,t=O(i[a],t,n,!1));return t}for(t&&!t.parentNode&&(t=S(e))&&!t.parentNode&&(t=null),o=e.__e,s=t;s&&s.nodeType==8;)s=s.nextSibling;for(o!=s&&(!r&&n.moveBefore&&o.parentNode?n.moveBefore(o,t):n.insertBefore(o,t||null)),t=o;(t&&=t.nextSibling)&&t.nodeType==8&&!t.data.startsWith(`$s`););return t}function k(e,t,n,r){var i,a=e.key,o=e.type,s=t[n],c=s&&!(2&s.__u);if(s===null&&a==null||c&&a==s.key&&o==s.type)return n;if(r>+!!c){for(i=n-1;i>=0;i--)if((s=t[i])&&!(2&s.__u)&&a==s.key&&o==s.type)return i;for(i=n+1;i<t.length;i++)if((s=t[i])&&!(2&s.__u)&&a==s.key&&o==s.type)return i}return-1}function te(e,t,n){n??=``,t[0]==`-`?e.setProperty(t,n):e[t]=n}function ne(e,t,n,r,i){var a,o;if(t==`style`){if(typeof n==`string`)e.style.cssText=n;else{if(typeof r==`string`&&(e.style.cssText=r=``),r)for(t in r)n&&t in n||te(e.style,t);if(n)for(t in n)r&&n[t]==r[t]||te(e.style,t,n[t])}}else if(t[0]==`o`&&t[1]==`n`)typeof n!=`function`&&(n=null),typeof r!=`function`&&(r=null),(e.__e||={})[t]=n,n&&r||(o=l[t]||(l[t]=re(t)),(e.__a||={})[t]=c,a=t!=(t=t.replace(s,`$1`)),(t=t.slice(2))[0]<`a`&&(t=t.toLowerCase()),n?e.addEventListener(t,o,a):e.removeEventListener(t,o,a));else{if(i==`http://www.w3.org/2000/svg`)t=t.replace(/xlink(H|:h)/,`h`).replace(/sName$/,`s`);else if(t!=`width`&&t!=`height`&&t!=`href`&&t!=`list`&&t!=`form`&&t!=`tabIndex`&&t!=`download`&&t!=`rowSpan`&&t!=`colSpan`&&t!=`role`&&t!=`popover`&&t in e)try{e[t]=n??``;return}catch{}if(typeof n==`function`)return;n==null||!1===n&&t[4]!=`-`?e.removeAttribute(t):e.setAttribute(t,t==`popover`&&n==1?``:n)}}function re(t){return function(n){var r=this.__e;if(r){if(r=r[t],n[o]==null)n[o]=c++;else if(n[o]<this.__a[t])return;return r(e.event?e.event(n):n)}}}function A(t,n,r,i,a,o,s,c,l,d){var p,h,v,y,C,w,T,E,D,O,k,te,ne,re,A,oe,j,M,N=n.type;if(n.constructor!==u)return null;128&r.__u&&(l=32&r.__u,p=r.__c.__z)&&(n.__u|=l,h=o=[],p.nodeType==8?c=ie(p,o):o.push(p),c=o[0]||c),(p=e.__b)&&p(n);n:if(typeof N==`function`){v=s.length;try{if(E=n.props,D=(p=N.prototype)&&p.render,O=(p=N.contextType)&&i[p.__c],k=p?O?O.props.value:p.__:i,(y=r.__c)?(n.__c=y,2&y.__g&&(y.__g|=1)):(D?n.__c=y=new N(E,k):(n.__c=y=new x(E,k),y.constructor=N,y.render=le),O&&O.sub(y),y.state||(y.state={}),y.__n=i,y.__g|=8,y.__h=[],y.__k=[]),D&&(y.__s||(y.__s=y.state),N.getDerivedStateFromProps&&(y.__s==y.state&&(y.__s=g({},y.__s)),g(y.__s,N.getDerivedStateFromProps(E,y.__s)))),C=y.props,w=y.state,y.__v=n,r.__c){if(E!==C&&D&&!N.getDerivedStateFromProps&&y.componentWillReceiveProps&&y.componentWillReceiveProps(E,k),n.__v==r.__v&&!(8&y.__g)||!(4&y.__g)&&y.shouldComponentUpdate&&!1===y.shouldComponentUpdate(E,y.__s,k)){n.__v!=r.__v&&(y.props=E,y.state=y.__s,y.__g&=-9),n.__e=r.__e,n.__k=r.__k,n.__k.some(function(e){e&&(e.__=n)}),f.push.apply(y.__h,y.__k),y.__k=[],y.__h.length&&s.push(y),c=S(r);break n}y.componentWillUpdate&&y.componentWillUpdate(E,y.__s,k),D&&y.componentDidUpdate&&y.__h.push(function(){y.componentDidUpdate(C,w,T)})}else D&&!N.getDerivedStateFromProps&&y.componentWillMount&&y.componentWillMount(),D&&y.componentDidMount&&y.__h.push(y.componentDidMount);y.context=k,y.props=E,y.__P=t,y.__g&=-5,te=e.__r,ne=D?25:0;do y.__g&=-9,te&&te(n),p=y.render(y.props,y.state=y.__s,y.context);while(8&y.__g&&++ne<25);D&&(f.push.apply(y.__h,y.__k),y.__k=[]),y.state=y.__s,y.getChildContext&&(i=g({},i,y.getChildContext())),D&&r.__c&&y.getSnapshotBeforeUpdate&&(T=y.getSnapshotBeforeUpdate(C,w)),re=p&&p.type===b&&p.key==null?p.props.children:p,E.__P&&(p=c,a=(t=E.__P).namespaceURI,l=o=null,r.props&&r.props.__P!=t&&(r.__k.some(function(e){e&&ce(e,e)}),r.__k=null),c=r.__k?S(r,0):null),c=ee(t,m(re)?re:[re],n,r,i,a,o,s,c,l,d),E.__P&&(n.__e=null,c=p),n.__u&=-161,h&&h.some(_),y.__h.length&&s.push(y),1&y.__g&&(y.__g&=-4)}catch(t){if(s.length=v,n.__v=null,l||o){if(t&&t.then){if(n.__u|=128|l,o){for(~(j=o.indexOf(c||void 0))||(j=o.length);(M=o[j-1])&&M.nodeType==8;)j--;for(;j<o.length;j++)if(M=o[j]){if(o[j]=null,A){if(M==oe)break}else{if(M.nodeType!=8)break;M.data.startsWith(`$s`)&&(oe=ie(A=M))}}}if(!A){for(;c&&c.nodeType==8&&c.nextSibling;)c=c.nextSibling;A=c}(p=ie(A=n.__c.__z||(n.__c.__z=A)))?(n.__e=A,c=p):n.__e=c,c&&=c.nextSibling}else o&&o.some(_)}else n.__e=r.__e;n.__k||=r.__k||[],t&&t.then||ae(n),e.__e(t,n,r)}}else c=n.__e=se(r.__e,n,r,i,a,o,s,l,d,t);return(p=e.diffed)&&p(n),c}function ie(e,t){if(e&&e.nodeType==8&&e.data.startsWith(`$s`))for(var n=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith(`$s`))n++;else if(e.data.startsWith(`/$s`)&&!--n)return e}t&&t.push(e)}}function ae(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(ae))}function oe(t,n,r){for(var i=0;i<r.length;)j(r[i++],r[i++],r[i++]);e.__c&&e.__c(n,t),t.some(function(n){try{t=n.__h,n.__h=[],t.some(function(e){e.call(n)})}catch(t){e.__e(t,n.__v)}})}function se(t,n,r,i,a,o,s,c,l,u){var f,g,v,y,b,x,C,w,T=r.props||d,E=n.props,D=n.type;if(D==`svg`?a=`http://www.w3.org/2000/svg`:D==`math`?a=`http://www.w3.org/1998/Math/MathML`:a||=`http://www.w3.org/1999/xhtml`,o){for(f=0;f<o.length;f++)if((b=o[f])&&(D?b.localName==D:b.nodeType==3)){t=b,o[f]=null;break}}if(!t){if(w=u.ownerDocument||document,!D)return w.createTextNode(E);t=w.createElementNS(a,D,E.is?E:u),c&&=(e.__m&&e.__m(n,o),!1),o=null}if(D){if(u=D==`template`&&t.content||t,o=D==`textarea`&&E.defaultValue!=null?null:o&&h.call(u.childNodes),!c&&o)for(T={},f=0;f<t.attributes.length;f++)T[(b=t.attributes[f]).name]=b.value;for(f in T)b=T[f],f==`dangerouslySetInnerHTML`?v=b:f==`children`||f in E||f==`value`&&`defaultValue`in E||f==`checked`&&`defaultChecked`in E||ne(t,f,null,b,a);for(f in E)b=E[f],f==`children`?y=b:f==`dangerouslySetInnerHTML`?g=b:f==`value`?x=b:f==`checked`?C=b:c&&typeof b!=`function`||T[f]===b||ne(t,f,b,T[f],a);g?(c||v&&(g.__html==v.__html||g.__html==t.innerHTML)||(t.innerHTML=g.__html),n.__k=[]):(v&&(t.textContent=``),(D==`foreignObject`||a==`http://www.w3.org/1998/Math/MathML`&&p.test(D))&&(a=`http://www.w3.org/1999/xhtml`),ee(u,m(y)?y:[y],n,r,i,a,o,s,o?o[0]:r.__k&&S(r,0),c,l),o&&o.some(_)),c&&D!=`textarea`||(f=`value`,D==`progress`&&x==null?t.removeAttribute(f):x==null||x===t[f]&&(D!=`progress`||x)||ne(t,f,x,T[f],a),f=`checked`,C!=null&&C!=t[f]&&ne(t,f,C,T[f],a))}else T===E||c&&t.data==E||(t.data=E);return t}function j(t,n,r,i){try{typeof t==`function`?n?n.__x=t(n)||1:(i&&=i.__c||i.__e)&&(n=i.__x)&&(i.__x=null,typeof n==`function`?n():t(null)):t.current=n}catch(t){e.__e(t,r)}}function ce(t,n,r){var i,a,o,s;if(e.unmount&&e.unmount(t),!(i=t.ref)||i.current&&i.current!=t.__e||j(i,null,n,t),i=t.__c){if(i.componentWillUnmount)try{i.componentWillUnmount()}catch(t){e.__e(t,n)}i.__P=i.__n=null}if(i=t.__k)for(s=0;s<i.length;s++)i[s]&&ce(i[s],n,typeof t.type!=`function`||r&&!t.props.__P);!r&&(i=t.__c)&&(i=i.__z)&&(a=ie(i,o=[]))&&(i==t.__e&&o.some(_),_(a),_(i)),r||_(t.__e),t.__e=t.__c=t.__=null}function le(e,t,n){return this.constructor(e,n)}function M(t,n){var r,i,a,o;e.__&&e.__(t,n),n.nodeType==9&&(n=n.documentElement),i=(r=t&&32&t.__u)?null:n.__k,n.__k=y(b,{children:[t]}),a=[],o=[],A(n,n.__k,i||d,d,n.namespaceURI,i?null:n.firstChild?h.call(n.childNodes):null,a,i?i.__e:n.firstChild,r,o),oe(a,n.__k,o),n.__k.props.children=null}e={__e:function(e,t,n,r){for(var a,o,s;t=t.__;)if((a=t.__c)&&!(1&a.__g)){a.__g|=4;try{if((s=(o=a.constructor)&&o.getDerivedStateFromError)&&a.setState(o.getDerivedStateFromError(e)),a.componentDidCatch&&(a.componentDidCatch(e,r||{}),s=1),s&&8&a.__g)return void(a.__g|=2)}catch(t){e=t}}throw i=0,e}},t=0,x.prototype.setState=function(e,t){var n=this.__s;n&&n!=this.state||(n=this.__s=g({},this.state)),typeof e==`function`&&(e=e(g({},n),this.props)),e&&(g(n,e),this.__v&&(t&&this.__k.push(t),T(this)))},x.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),T(this))},x.prototype.render=b,n=[],i=0,a=function(e,t){return e.__v.__b-t.__v.__b},o=Symbol(),s=/(PointerCapture)$|Capture$/i,c=0,l={};var N=function(e,t,n,r){var i;t[0]=0;for(var a=1;a<t.length;a++){var o=t[a++],s=t[a]?(t[0]|=o?1:2,n[t[a++]]):t[++a];o===3?r[0]=s:o===4?r[1]=Object.assign(r[1]||{},s):o===5?(r[1]=r[1]||{})[t[++a]]=s:o===6?r[1][t[++a]]+=s+``:o?(i=e.apply(s,N(e,s,n,[``,null])),r.push(i),s[0]?t[0]|=2:(t[a-2]=0,t[a]=i)):r.push(s)}return r},ue=new Map;function de(e){var t=ue.get(this);return t||(t=new Map,ue.set(this,t)),(t=N(this,t.get(e)||(t.set(e,t=function(e){for(var t,n,r=1,i=``,a=``,o=[0],s=function(e){r===1&&(e||(i=i.replace(/^\s*\n\s*|\s*\n\s*$/g,``)))?o.push(0,e,i):r===3&&(e||i)?(o.push(3,e,i),r=2):r===2&&i===`...`&&e?o.push(4,e,0):r===2&&i&&!e?o.push(5,0,!0,i):r>=5&&((i||!e&&r===5)&&(o.push(r,0,i,n),r=6),e&&(o.push(r,e,0,n),r=6)),i=``},c=0;c<e.length;c++){c&&(r===1&&s(),s(c));for(var l=0;l<e[c].length;l++)t=e[c][l],r===1?t===`<`?(s(),o=[o],r=3):i+=t:r===4?i===`--`&&t===`>`?(r=1,i=``):i=t+i[0]:a?t===a?a=``:i+=t:t===`"`||t===`'`?a=t:t===`>`?(s(),r=1):r&&(t===`=`?(r=5,n=i,i=``):t===`/`&&(r<5||e[c][l+1]===`>`)?(s(),r===3&&(o=o[0]),r=o,(o=o[0]).push(2,0,r),r=0):t===` `||t===`	`||t===`
`||t===`\r`?(s(),r=2):i+=t),r===3&&i===`!--`&&(r=4,o=o[0])}return s(),o}(e)),t),arguments,[])).length>1?t:t[0]}var P=de.bind(v),fe,F,pe,me,he=Object.is,ge=0,_e=[],ve=[],I=e,ye=I.__b,be=I.__r,xe=I.diffed,Se=I.__c,Ce=I.unmount,we=I.__;function Te(e,t){I.__h&&I.__h(F,e,ge||t),ge=0;var n=F.__H||(F.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function L(e){return ge=1,Ee(Re,e)}function Ee(e,t,n){var r=Te(fe++,2);if(r.t=e,!r.__c&&(r.__=[n?n(t):Re(void 0,t),function(e){var t=(r.__N||r.__)[0],n=r.t(t,e);he(t,n)||(r.__N=[n,r.__[1]],r.__c.setState({}))}],r.__c=F,!F.__f)){F.__f=!0;var i=F.shouldComponentUpdate;F.shouldComponentUpdate=function(e,t,n){var r=this.__H;if(!r)return!0;var a=!1,o=this.props!=e;if(r.__.some(function(e){e.__N&&(a=!0,he(e.__[0],e.__N[0])||(o=!0))}),i){var s=i.call(this,e,t,n);return a?s||o:s}return!a||o}}return r.__}function R(e,t){var n=Te(fe++,3);!I.__s&&Le(n.__H,t)&&(n.__P=!0,n.__=e,n.u=t,F.__H.__h.push(n))}function De(e,t){var n=Te(fe++,4);!I.__s&&Le(n.__H,t)&&(n.__P=!1,n.__=e,n.u=t,F.__h.push(n))}function Oe(e){return ge=5,ke(function(){return{current:e}},[])}function ke(e,t){var n=Te(fe++,7);return Le(n.__H,t)&&(n.__=e(),n.__H=t),n.__}function Ae(e,t){return ge=8,ke(function(){return e},t)}function je(){var e;do{for(;e=ve.shift();)try{Fe(e)}catch(t){I.__e(t,{__:(e=e.__P)&&e.__v})}for(;e=_e.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(Fe),t.__h.some(Ie),t.__h=[]}catch(n){t.__h=[],I.__e(n,e.__v)}}}while(ve.length)}I.__b=function(e){F=null,ye&&ye(e)},I.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),we&&we(e,t)},I.__r=function(e){be&&be(e),fe=0;var t=(F=e.__c).__H;t&&(pe==F?F.__h=[]:(t.__h.some(Fe),t.__h.some(Ie),fe=0),t.__h=[],t.__.some(function(e){e.__N&&(e.__=e.__N),e.u=e.__N=void 0})),pe=F},I.diffed=function(e){xe&&xe(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&Pe(_e.push(t)),t.__H.__.some(function(e){e.u&&(e.__H=e.u)})),pe=F=null},I.__c=function(e,t){t.some(function(e){try{e.__h.some(Fe),e.__h=e.__h.filter(function(e){return!e.__||Ie(e)})}catch(t){e.__h=[function(){throw t}]}}),Se&&Se(e,t)},I.unmount=function(e){Ce&&Ce(e);var t,n,r=e.__c;r&&r.__H&&(r.__H.__.some(function(r){try{if(r.__P&&r.__c){if(n===void 0){for(n=e.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n&&=n.__c}r.__P=n,Pe(ve.push(r))}else Fe(r)}catch(e){t=e}}),r.__H=void 0,t&&I.__e(t,r.__v))};var Me=typeof requestAnimationFrame==`function`;function Ne(e){var t,n=function(){clearTimeout(r),Me&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);Me&&(t=requestAnimationFrame(n))}function Pe(e){e!=1&&me==I.requestAnimationFrame||((me=I.requestAnimationFrame)||Ne)(je)}function Fe(e){var t=F,n=e.__c;typeof n==`function`&&(e.__c=void 0,n()),F=t}function Ie(e){var t=F;e.__c=e.__(),F=t}function Le(e,t){return!e||e.length!=t.length||t.some(function(t,n){return!he(t,e[n])})}function Re(e,t){return typeof t==`function`?t(e):t}var ze=`tollgate.admin_key`,Be=class extends Error{constructor(e,t){super(t?.detail||t?.title||`HTTP ${e}`),this.status=e,this.code=t?.code||null,this.errors=t?.errors||[]}},Ve=()=>{};function He(e){Ve=e}var Ue={key:()=>sessionStorage.getItem(ze),signIn:e=>sessionStorage.setItem(ze,e),signOut:()=>sessionStorage.removeItem(ze)};async function z(e,t,{body:n,key:r=Ue.key(),raw:i=!1}={}){let a={Accept:i?`*/*`:`application/json`,Authorization:`Bearer ${r}`};n!==void 0&&(a[`Content-Type`]=`application/json`);let o;try{o=await fetch(t,{method:e,headers:a,body:n===void 0?void 0:JSON.stringify(n),credentials:`omit`,cache:`no-store`,referrerPolicy:`no-referrer`})}catch{throw new Be(0,{detail:`The Admin API cannot be reached. Is Tollgate running?`})}if(!o.ok){let e=null;try{e=await o.json()}catch{}throw o.status===401&&r===Ue.key()&&Ve(),new Be(o.status,e)}return i?o:o.status===204?null:o.json()}var B=e=>{let t=new URLSearchParams;Object.entries(e).forEach(([e,n])=>{n!=null&&n!==``&&t.set(e,n)});let n=t.toString();return n?`?${n}`:``},V=encodeURIComponent;async function We(e,t,n){let r=[],i=null;do{let a=await z(`GET`,e+B({...t,limit:500,cursor:i}));r.push(...a[n]),i=a.next_cursor}while(i);return r}var H={check:e=>z(`GET`,`/admin/tiers`,{key:e}),tiers:()=>z(`GET`,`/admin/tiers`),customers:(e={})=>We(`/admin/customers`,e,`customers`),customerPage:e=>z(`GET`,`/admin/customers${B(e)}`),customer:e=>z(`GET`,`/admin/customers/${V(e)}`),createCustomer:e=>z(`POST`,`/admin/customers`,{body:e}),patchCustomer:(e,t)=>z(`PATCH`,`/admin/customers/${V(e)}`,{body:t}),deactivate:e=>z(`DELETE`,`/admin/customers/${V(e)}`),grant:(e,t)=>z(`POST`,`/admin/customers/${V(e)}/namespaces`,{body:{namespace:t}}),withdraw:(e,t)=>z(`DELETE`,`/admin/customers/${V(e)}/namespaces/${V(t)}`),keys:e=>z(`GET`,`/admin/customers/${V(e)}/keys`).then(e=>e.keys),createKey:(e,t)=>z(`POST`,`/admin/customers/${V(e)}/keys`,{body:t}),revokeKey:(e,t)=>z(`DELETE`,`/admin/customers/${V(e)}/keys/${V(t)}`),rotateKey:(e,t,n)=>z(`POST`,`/admin/customers/${V(e)}/keys/${V(t)}/rotate`,{body:{grace_period_s:n}}),usage:(e,t)=>z(`GET`,`/admin/customers/${V(e)}/usage${B({period:t})}`),daily:(e,t,n)=>z(`GET`,`/admin/customers/${V(e)}/usage/daily${B({from:t,to:n})}`),allUsage:e=>z(`GET`,`/admin/usage${B({period:e})}`),export:(e,t)=>z(`GET`,`/admin/usage/export${B({period:e,format:t})}`,{raw:!0}),audit:(e,t)=>z(`GET`,`/admin/audit${B({customer_id:e,cursor:t,limit:50})}`),recentRefusals:()=>z(`GET`,`/admin/refusals/recent`),webhooks:()=>z(`GET`,`/admin/webhooks`).then(e=>e.webhooks),webhook:e=>z(`GET`,`/admin/webhooks/${V(e)}`),createWebhook:e=>z(`POST`,`/admin/webhooks`,{body:e}),patchWebhook:(e,t)=>z(`PATCH`,`/admin/webhooks/${V(e)}`,{body:t}),deleteWebhook:e=>z(`DELETE`,`/admin/webhooks/${V(e)}`),deliveries:e=>z(`GET`,`/admin/webhooks/${V(e)}/deliveries`).then(e=>e.deliveries),retryDelivery:(e,t)=>z(`POST`,`/admin/webhooks/${V(e)}/deliveries/${V(t)}/retry`),testWebhook:e=>z(`POST`,`/admin/webhooks/${V(e)}/test`)};function Ge(e=location.hash){let[t,n=``]=e.replace(/^#/,``).split(`?`);return{parts:(t||`/`).split(`/`).filter(Boolean).map(decodeURIComponent),params:Object.fromEntries(new URLSearchParams(n))}}function U(e,t={}){let n=new URLSearchParams;Object.entries(t).forEach(([e,t])=>{t!=null&&t!==``&&n.set(e,t)});let r=n.toString();return`#${e}${r?`?${r}`:``}`}function W(e,t,{replace:n=!1}={}){n?location.replace(U(e,t)):location.hash=U(e,t)}function Ke(){let[e,t]=L(Ge());return R(()=>{let e=()=>t(Ge());return addEventListener(`hashchange`,e),()=>removeEventListener(`hashchange`,e)},[]),e}function qe({notice:e,onSignedIn:t}){let[n,r]=L(``),[i,a]=L(``),[o,s]=L(!1);return P`<section class="login" aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1">Tollgate console</h1>
    <p>Sign in with an admin key. It is kept only in this browser tab (session storage) and sent only to this
      server's Admin API; closing the tab forgets it.</p>
    ${e&&P`<p class="notice" role="status">${e}</p>`}
    <form onSubmit=${async e=>{e.preventDefault();let i=n.trim();if(!i)a(`Type the admin key.`);else{s(!0),a(``);try{await H.check(i),Ue.signIn(i),r(``),t()}catch(e){a(e.status===401?`This admin key was refused. Check it and try again: it is the key printed at the first start or set in TOLLGATE_ADMIN_KEY, not a customer’s API key.`:e.message)}finally{s(!1)}}}} novalidate>
      <label for="admin-key">Admin key</label>
      <input id="admin-key" name="admin-key" type="password" autocomplete="off" spellcheck="false" required
        value=${n} onInput=${e=>r(e.target.value)} aria-invalid=${i?`true`:void 0}
        aria-describedby=${i?`login-error`:void 0} />
      ${i&&P`<p id="login-error" class="error" role="alert">${i}</p>`}
      <button type="submit" class="primary" disabled=${o}>${o?`Checking…`:`Sign in`}</button>
    </form>
  </section>`}var Je=new Intl.NumberFormat(`en-US`,{maximumFractionDigits:3}),G=e=>e==null?`—`:Je.format(e),Ye=(e,t=0)=>e==null?`n/a`:e===0&&t>0?`< 0.01%`:`${(e*100).toFixed(e<.01&&e>0?2:1)}%`,K=e=>e?e.replace(`T`,` `).replace(/\.\d+Z$|Z$/,` UTC`):`—`,Xe=e=>`${G(e.requests)} / ${e.window_s===1?`s`:`${e.window_s} s`} (burst ${G(e.burst)})`,Ze=e=>`${G(e.units)} units / ${e.period}`,Qe=()=>new Date().toISOString().slice(0,7),$e=()=>new Date().toISOString().slice(0,4),et=/^\d{4}(-(0[1-9]|1[0-2]))?$/;function q({title:e,actions:t,children:n}){return R(()=>{document.title=`${e} · Tollgate console`},[e]),P`<section class="page" aria-labelledby="page-title">
    <header class="page-head">
      <h1 id="page-title" tabindex="-1">${e}</h1>
      ${t&&P`<div class="actions">${t}</div>`}
    </header>
    ${n}
  </section>`}function J({error:e,what:t}){if(!e)return null;let n=e.errors||[];return P`<div class="error" role="alert"><p>${t?`${t}: `:``}${e.message}${e.code?P` <code>${e.code}</code>`:``}</p>${n.length>1&&P`<ul>${n.map(e=>P`<li>
      <code>${e.field}</code>: ${e.message}</li>`)}</ul>`}</div>`}var Y=({what:e=`Loading`})=>P`<p class="muted" role="status">${e}…</p>`,tt=({text:e})=>P`<p class="notice" role="status" aria-live="polite">${e||``}</p>`;function X({status:e}){return P`<span class=${`badge badge-${e}`}>${e}</span>`}function nt({value:e,used:t,label:n}){let r=e==null?0:Math.min(1,e),i=e>=.9?`high`:e>=.7?`mid`:`low`;return P`<div class="util">
    <div class="util-track" role="meter" aria-label=${n||`Quota utilization`}
      aria-valuemin="0" aria-valuemax="100" aria-valuenow=${e===null?void 0:Math.round(e*100)}
      aria-valuetext=${Ye(e,t)}>
      <div class=${`util-fill util-${i}`} style=${{width:`${r*100}%`}}></div>
    </div>
    <span class="util-text">${Ye(e,t)}</span>
  </div>`}function rt({open:e,title:t,children:n,confirm:r=`Confirm`,danger:i,busy:a,onConfirm:o,onCancel:s}){let c=Oe(null);return R(()=>{let t=c.current;t&&(e&&!t.open&&t.showModal(),!e&&t.open&&t.close())},[e]),P`<dialog ref=${c} aria-labelledby="dialog-title" onCancel=${e=>{e.preventDefault(),s()}}>
    <form method="dialog" onSubmit=${e=>{e.preventDefault(),o()}}>
      <h2 id="dialog-title">${t}</h2>
      ${n}
      <div class="actions">
        <button type="button" onClick=${s}>Cancel</button>
        <button type="submit" class=${i?`danger`:`primary`} disabled=${a}>${r}</button>
      </div>
    </form>
  </dialog>`}function it({issued:e,onDone:t}){return P`<${at} title=${`New key ${e.name?`“${e.name}”`:``} (${e.key_id})`}
    value=${e.key} noun="key" kept="Tollgate keeps only its hash and cannot show it again." onDone=${t} />`}function at({title:e,value:t,noun:n,kept:r,onDone:i}){let[a,o]=L(``),s=Oe(null);return P`<div class="secret" role="region" aria-labelledby="secret-title">
    <h2 id="secret-title">${e}</h2>
    <p class="warning"><strong>Copy this ${n} now.</strong> It is shown only once: ${r} Store it somewhere
      safe before you leave this page.</p>
    <div class="secret-row">
      <label for="secret-value" class="sr-only">The new ${n}</label>
      <input id="secret-value" ref=${s} readonly value=${t} data-secret
        autocomplete="off" spellcheck="false" onFocus=${e=>e.target.select()} />
      <button type="button" class="primary" onClick=${async()=>{try{await navigator.clipboard.writeText(t),o(`Copied to the clipboard.`)}catch{s.current.select(),o(`Copying was refused: the ${n} is selected, press Ctrl+C.`)}}}>Copy ${n}</button>
    </div>
    <p role="status" aria-live="polite" class="muted">${a}</p>
    <button type="button" onClick=${i}>I have stored it, hide it</button>
  </div>`}function ot({sla:e}){return e?P`<span class=${e.met?`sla-met`:`sla-missed`}>
    ${e.attained} % of ${e.target} % <strong>${e.met?`met`:`not met`}</strong></span>
    <small class="muted"> ${G(e.failed_requests)} failed of ${G(e.eligible_requests)}</small>`:P`<span class="muted">—</span>`}function Z({caption:e,head:t,rows:n,empty:r=`None.`}){return n.length?P`<div class="table-wrap"><table>
    <caption>${e}</caption>
    <thead><tr><th scope="col">${t[0]}</th><th scope="col" class="num">${t[1]}</th></tr></thead>
    <tbody>${n.map(([e,t])=>P`<tr><th scope="row">${e}</th><td class="num">${G(t)}</td></tr>`)}</tbody>
  </table></div>`:P`<div><h3>${e}</h3><p class="muted">${r}</p></div>`}function Q(e,t){let[n,r]=L({data:null,error:null,loading:!0}),[i,a]=L(0);R(()=>{let t=!0;return r(e=>({...e,loading:!0,error:null})),e().then(e=>t&&r({data:e,error:null,loading:!1}),e=>t&&r({data:null,error:e,loading:!1})),()=>{t=!1}},[...t,i]);let o=Ae(()=>a(e=>e+1),[]);return{...n,reload:o}}var st=10;function ct(e,t){let n=new Map;return e.forEach(e=>n.set(e[t],(n.get(e[t])||0)+1)),[...n.entries()].sort((e,t)=>t[1]-e[1])}function lt(){let e=Q(()=>H.customers(),[]),t=Q(()=>H.allUsage(),[]),n=Q(()=>H.recentRefusals(),[]),r=(t.data?.customers||[]).filter(e=>e.utilization!==null&&e.units_used>0).sort((e,t)=>t.utilization-e.utilization||t.units_used-e.units_used).slice(0,st),i=n.data;return P`<${q} title="Overview">
    <div class="grid-3">
      <section class="card" aria-labelledby="by-tier-title">
        <h2 id="by-tier-title">Customers by tier</h2>
        <${J} error=${e.error} />
        ${e.loading?P`<${Y} />`:e.data&&P`
          <p class="big">${G(e.data.length)} <span class="muted">customers</span></p>
          <${Z} caption="By tier" head=${[`Tier`,`Customers`]} rows=${ct(e.data,`tier`)} />
          <${Z} caption="By status" head=${[`Status`,`Customers`]} rows=${ct(e.data,`status`)} />`}
      </section>
      <section class="card" aria-labelledby="top-title">
        <h2 id="top-title">Top customers by utilization${t.data?`, ${t.data.period}`:``}</h2>
        <${J} error=${t.error} />
        ${t.loading?P`<${Y} />`:r.length===0?P`<p class="muted">No usage yet in this period.</p>`:P`
          <ol class="top">${r.map(e=>P`<li>
            <a href=${U(`/usage`,{customer:e.customer_id,period:t.data.period})}>${e.customer_id}</a>
            <span class="muted">${G(e.units_used)} of ${G(e.quota)} units</span>
            <${nt} value=${e.utilization} used=${e.units_used} label=${`Utilization of ${e.customer_id}`} />
          </li>`)}</ol>`}
      </section>
      <section class="card" aria-labelledby="refusals-title">
        <h2 id="refusals-title">Refusals in the last hour</h2>
        <${J} error=${n.error} />
        ${n.loading?P`<${Y} />`:i&&P`
          <p class="big">${G(i.total)} <span class="muted">refused requests</span></p>
          <${Z} caption="By code" head=${[`Code`,`Refused`]} rows=${Object.entries(i.by_code).sort((e,t)=>t[1]-e[1])} empty="No refusal in the last hour." />
          <${Z} caption="By customer" head=${[`Customer`,`Refused`]} rows=${Object.entries(i.by_customer).sort((e,t)=>t[1]-e[1]).slice(0,st)} empty="—" />
          <p class="muted"><small>Counted by this Tollgate node since ${i.since.slice(0,16).replace(`T`,` `)} UTC.</small></p>`}
      </section>
    </div>
  <//>`}var ut=null;function dt(e){ut=e}function ft(e){let t=ut&&ut.customer_id===e?ut:null;return ut=null,t}var pt=20,mt=300,ht=()=>{let{parts:e}=Ge();return e.length===1&&e[0]===`customers`};function gt({params:e}){let{q:t=``,tier:n=``,status:r=``}=e,i=JSON.stringify([t,n,r]),[a,o]=L({filters:i,cursors:[],moved:!1}),s=a.filters===i,c=s?a.cursors:[],l=c.length?c[c.length-1]:null,u=JSON.stringify([t,n,r,l]),d=Q(()=>H.customerPage({search:t,tier:n,status:r,cursor:l,limit:pt}).then(e=>({...e,asked:u})),[u]),f=d.loading||d.data!==null&&d.data.asked!==u,p=Q(()=>H.tiers(),[]),[m,h]=L(!1),g=(e,i)=>W(`/customers`,{q:t,tier:n,status:r,...e},{replace:i}),[_,v]=L(t),y=Oe(null);De(()=>()=>clearTimeout(y.current),[]),R(()=>{document.activeElement?.id!==`search`&&v(t)},[t]);let b=e=>{v(e),clearTimeout(y.current),y.current=setTimeout(()=>{ht()&&g({q:e},!0)},mt)},x=d.data?.customers||[],S=f?null:d.data?.next_cursor||null,C=c.length+1,w=c.length*pt+1,T=C>1||S||s&&a.moved,E=e=>{f||o({filters:i,cursors:e,moved:!0})},ee=C<=1,D=!f&&!S;return P`<${q} title="Customers" actions=${P`<button type="button" class="primary"
      aria-expanded=${m} onClick=${()=>h(!m)}>New customer</button>`}>
    ${m&&P`<${_t} tiers=${p.data} onCancel=${()=>h(!1)} />`}
    <form class="filters" role="search" onSubmit=${e=>{e.preventDefault(),clearTimeout(y.current),g({q:_},!0)}}>
      <div class="field">
        <label for="search">Search id, name or email</label>
        <input id="search" type="search" maxlength="200" value=${_} onInput=${e=>b(e.target.value)} />
      </div>
      <div class="field">
        <label for="tier-filter">Tier</label>
        <select id="tier-filter" onChange=${e=>g({tier:e.target.value})}>
          <option value="" selected=${!n}>Every tier</option>
          ${(p.data?.tiers||[]).map(e=>P`<option value=${e.name} selected=${e.name===n}>${e.display_name}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="status-filter">Status</label>
        <select id="status-filter" onChange=${e=>g({status:e.target.value})}>
          ${[[``,`Every status`],[`active`,`Active`],[`suspended`,`Suspended`],[`deactivated`,`Deactivated`]].map(([e,t])=>P`<option value=${e} selected=${e===r}>${t}</option>`)}
        </select>
      </div>
    </form>
    <${J} error=${d.error} what="Customers could not be loaded" />
    ${f&&!d.data?P`<${Y} what="Loading customers" />`:P`
      <p class="muted" role="status" aria-live="polite">${f?`Loading customers…`:T?`Page ${C}, customers ${x.length?`${w}–${w+x.length-1}`:`none`}${S?`, more follow`:``}`:`${x.length} customer${x.length===1?``:`s`}`}</p>
      <div class="table-wrap" aria-busy=${f}><table class="customers stack">
        <caption class="sr-only">Customers</caption>
        <thead><tr><th scope="col">Customer</th><th scope="col">Name</th><th scope="col">Email</th>
          <th scope="col">Tier</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
        <tbody>${x.map(e=>P`<tr>
          <th scope="row" data-label="Customer"><a href=${U(`/customers/${encodeURIComponent(e.customer_id)}`)}>${e.customer_id}</a></th>
          <td data-label="Name">${e.name||`—`}</td><td data-label="Email">${e.email||`—`}</td><td data-label="Tier">${e.tier}</td>
          <td data-label="Status"><${X} status=${e.status} /></td><td data-label="Created">${K(e.created_at)}</td></tr>`)}</tbody>
      </table></div>
      ${T&&P`<nav class="pager" aria-label="Pages">
        <button type="button" aria-disabled=${ee} onClick=${()=>ee||E(c.slice(0,-1))}>Previous page</button>
        <span>Page ${C}</span>
        <button type="button" aria-disabled=${D} onClick=${()=>S&&E([...c,S])}>Next page</button>
      </nav>`}`}
  <//>`}function _t({tiers:e,onCancel:t}){let[n,r]=L({customer_id:``,name:``,email:``,tier:``,namespaces:`default`}),[i,a]=L(null),[o,s]=L(!1),c=e=>({value:n[e],onInput:t=>r({...n,[e]:t.target.value})});return P`<form class="card form-grid" onSubmit=${async e=>{e.preventDefault(),s(!0),a(null);let t={customer_id:n.customer_id.trim()||null,name:n.name.trim()||null,email:n.email.trim()||null,tier:n.tier||null,namespaces:n.namespaces.split(/[\s,]+/).filter(Boolean)};try{let e=await H.createCustomer(t);dt(e.api_key),W(`/customers/${encodeURIComponent(e.customer_id)}`)}catch(e){a(e),s(!1)}}} aria-labelledby="new-customer-title">
    <h2 id="new-customer-title">New customer</h2>
    <div class="field"><label for="nc-id">Customer id (optional)</label>
      <input id="nc-id" ...${c(`customer_id`)} pattern="[a-z0-9][a-z0-9_\\-]{1,62}" aria-describedby="nc-id-help" />
      <small id="nc-id-help">Lowercase letters, digits, - and _. Left empty, Tollgate makes one (cus_…).</small></div>
    <div class="field"><label for="nc-name">Name</label><input id="nc-name" ...${c(`name`)} /></div>
    <div class="field"><label for="nc-email">Email</label><input id="nc-email" type="email" ...${c(`email`)} /></div>
    <div class="field"><label for="nc-tier">Tier</label>
      <select id="nc-tier" onChange=${e=>r({...n,tier:e.target.value})}>
        <option value="" selected=${!n.tier}>Default (${e?.default_tier||`…`})</option>
        ${(e?.tiers||[]).map(e=>P`<option value=${e.name} selected=${e.name===n.tier}>${e.display_name}</option>`)}
      </select></div>
    <div class="field"><label for="nc-ns">Namespaces</label>
      <input id="nc-ns" ...${c(`namespaces`)} aria-describedby="nc-ns-help" />
      <small id="nc-ns-help">Separated by commas or spaces.</small></div>
    <${J} error=${i} what="Not created" />
    <div class="actions">
      <button type="button" onClick=${t}>Cancel</button>
      <button type="submit" class="primary" disabled=${o}>Create customer and first key</button>
    </div>
  </form>`}var vt=[[0,`None: revoke the old key now`],[3600,`1 hour`],[86400,`1 day`],[604800,`7 days`]];function yt({c:e,onIssued:t,onChanged:n}){let r=Q(()=>H.keys(e.customer_id),[e.customer_id,e.updated_at]),[i,a]=L(null),[o,s]=L(0),[c,l]=L(!1),[u,d]=L(null),f=e.status===`deactivated`,p=()=>{a(null),d(null),s(0)},m=async()=>{l(!0),d(null);try{let{kind:a,key:s}=i;if(a===`revoke`)await H.revokeKey(e.customer_id,s.key_id),n(`Key ${s.key_id} revoked.`);else{let r=await H.rotateKey(e.customer_id,s.key_id,Number(o));t(r),n(`Key ${s.key_id} rotated: the new key is ${r.key_id}.`)}p(),r.reload()}catch(e){d(e)}finally{l(!1)}};return P`<section class="card" aria-labelledby="keys-title">
    <h2 id="keys-title">Keys</h2>
    <${J} error=${r.error} what="Keys could not be loaded" />
    ${r.loading&&!r.data&&P`<${Y} what="Loading keys" />`}
    ${r.data&&P`<div class="table-wrap"><table class="keys stack">
      <caption class="sr-only">Keys of ${e.customer_id}</caption>
      <thead><tr><th scope="col">Key</th><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Env</th>
        <th scope="col">Status</th><th scope="col">Namespaces</th><th scope="col">Created</th><th scope="col">Last used</th>
        <th scope="col">Revoked at / expires</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${r.data.map(e=>P`<tr>
        <th scope="row" data-label="Key"><span><code>${e.key_id}</code>${e.replaces&&P`<small>replaces ${e.replaces}</small>`}</span></th>
        <td data-label="Name">${e.name||`—`}</td><td data-label="Prefix"><code>${e.prefix}…</code></td>
        <td data-label="Environment">${e.environment}</td>
        <td data-label="Status"><${X} status=${e.status} /></td>
        <td data-label="Namespaces">${e.namespaces.length?e.namespaces.join(`, `):`all`}</td>
        <td data-label="Created">${K(e.created_at)}</td><td data-label="Last used">${K(e.last_used_at)}</td>
        <td data-label="Revoked / expires">${e.revoked_at?K(e.revoked_at):e.expires_at?`expires ${K(e.expires_at)}`:`—`}</td>
        <td class="row-actions">${e.status===`active`&&P`
          <button type="button" class="small" disabled=${f} aria-label=${`Rotate key ${e.key_id}`}
            onClick=${()=>a({kind:`rotate`,key:e})}>Rotate…</button>
          <button type="button" class="small danger" aria-label=${`Revoke key ${e.key_id}`}
            onClick=${()=>a({kind:`revoke`,key:e})}>Revoke…</button>`}</td>
      </tr>`)}</tbody>
    </table></div>`}
    ${!f&&P`<${bt} c=${e} onIssued=${e=>{t(e),r.reload(),n(`Key ${e.key_id} created.`)}} />`}
    <${rt} open=${i?.kind===`revoke`} title=${`Revoke key ${i?.key.key_id||``}?`} confirm="Revoke key"
      danger busy=${c} onConfirm=${m} onCancel=${p}>
      <p>The gate refuses this key from the next request on. The customer's other keys keep working.</p>
      <${J} error=${u} />
    <//>
    <${rt} open=${i?.kind===`rotate`} title=${`Rotate key ${i?.key.key_id||``}?`} confirm="Rotate key"
      busy=${c} onConfirm=${m} onCancel=${p}>
      <p>A new key with the same name, environment and namespaces is issued and shown once.</p>
      <label for="grace">Grace period for the old key</label>
      <select id="grace" onChange=${e=>s(e.target.value)}>
        ${vt.map(([e,t])=>P`<option value=${e} selected=${String(e)===String(o)}>${t}</option>`)}
      </select>
      <${J} error=${u} />
    <//>
  </section>`}function bt({c:e,onIssued:t}){let[n,r]=L({name:``,environment:`live`,namespaces:``,expires:``}),[i,a]=L(null),[o,s]=L(!1),c=e=>t=>r({...n,[e]:t.target.value});return P`<form class="form-grid new-key" onSubmit=${async i=>{i.preventDefault(),s(!0),a(null);try{let i=await H.createKey(e.customer_id,{name:n.name.trim()||null,environment:n.environment,namespaces:n.namespaces.split(/[\s,]+/).filter(Boolean),expires_at:n.expires?new Date(`${n.expires}T23:59:59Z`).toISOString():null});r({name:``,environment:`live`,namespaces:``,expires:``}),t(i)}catch(e){a(e)}finally{s(!1)}}} aria-labelledby="new-key-title">
    <h3 id="new-key-title">Create a key</h3>
    <div class="field"><label for="k-name">Name</label><input id="k-name" value=${n.name} onInput=${c(`name`)} /></div>
    <div class="field"><label for="k-env">Environment</label>
      <select id="k-env" onChange=${c(`environment`)}>
        ${[`live`,`test`].map(e=>P`<option value=${e} selected=${e===n.environment}>${e}</option>`)}</select></div>
    <div class="field"><label for="k-ns">Namespaces (empty: all of the customer's)</label>
      <input id="k-ns" value=${n.namespaces} onInput=${c(`namespaces`)} /></div>
    <div class="field"><label for="k-exp">Expires (UTC end of day, optional)</label>
      <input id="k-exp" type="date" value=${n.expires} onInput=${c(`expires`)} /></div>
    <${J} error=${i} what="No key created" />
    <div class="actions"><button type="submit" class="primary" disabled=${o}>Create key</button></div>
  </form>`}var xt={suspend:{label:`Suspend`,body:{active:!1},text:`Every key of this customer will be refused (403) at the gate until it is enabled again.`},enable:{label:`Enable`,body:{active:!0},text:`The customer’s active keys will be accepted by the gate again.`},deactivate:{label:`Deactivate`,text:`Every key stops at once and the customer can never be changed again. Usage is kept for the retention period. This cannot be undone.`}};function St({id:e}){let t=Q(()=>H.customer(e),[e]),n=Q(()=>H.tiers(),[]),[r,i]=L(()=>ft(e)),[a,o]=L(``),s=t.data,c=e=>{o(e),t.reload()};return P`<${q} title=${`Customer ${e}`} actions=${P`
      <a class="button" href=${U(`/usage`,{customer:e})}>Usage</a>
      <a class="button" href=${U(`/audit`,{customer:e})}>Audit log</a>`}>
    <${tt} text=${a} />
    ${r&&P`<${it} issued=${r} onDone=${()=>i(null)} />`}
    <${J} error=${t.error} what="The customer could not be loaded" />
    ${t.loading&&!s&&P`<${Y} />`}
    ${s&&P`
      <div class="grid-2">
        <${Ct} c=${s} tiers=${n.data} onChanged=${c} />
        <div>
          <${wt} c=${s} onChanged=${c} />
          <${Tt} c=${s} onChanged=${c} />
        </div>
      </div>
      <${yt} c=${s} onIssued=${i} onChanged=${c} />`}
  <//>`}function Ct({c:e,tiers:t,onChanged:n}){let[r,i]=L({name:e.name||``,email:e.email||``,tier:e.tier}),[a,o]=L(null),s=e.status===`deactivated`,c=async t=>{t.preventDefault(),o(null);let i={};r.name!==(e.name||``)&&(i.name=r.name||null),r.email!==(e.email||``)&&(i.email=r.email||null),r.tier!==e.tier&&(i.tier=r.tier);try{await H.patchCustomer(e.customer_id,i),n(`Profile saved.`)}catch(e){o(e)}},l=e.limits;return P`<section class="card" aria-labelledby="profile-title">
    <h2 id="profile-title">Profile</h2>
    <dl class="facts">
      <dt>Customer id</dt><dd><code>${e.customer_id}</code></dd>
      <dt>Status</dt><dd><${X} status=${e.status} /></dd>
      <dt>Quota</dt><dd>${Ze(l.quota)}</dd>
      <dt>Rate limit</dt><dd>${Xe(l.rate_limit)}</dd>
      <dt>Overrides</dt><dd>${Object.keys(e.limit_overrides||{}).length?P`<code>${JSON.stringify(e.limit_overrides)}</code>`:`none (the tier’s limits)`}</dd>
      <dt>Keys</dt><dd>${e.keys?`${e.keys.active} active, ${e.keys.revoked} revoked, ${e.keys.expired} expired`:`—`}</dd>
      <dt>Created</dt><dd>${K(e.created_at)}</dd>
      <dt>Updated</dt><dd>${K(e.updated_at)}</dd>
      ${Object.keys(e.metadata||{}).length>0&&P`<dt>Metadata</dt><dd><code>${JSON.stringify(e.metadata)}</code></dd>`}
    </dl>
    <form onSubmit=${c} class="form-grid">
      <fieldset disabled=${s}>
        <legend>Edit</legend>
        <div class="field"><label for="p-name">Name</label>
          <input id="p-name" value=${r.name} onInput=${e=>i({...r,name:e.target.value})} /></div>
        <div class="field"><label for="p-email">Email</label>
          <input id="p-email" type="email" value=${r.email} onInput=${e=>i({...r,email:e.target.value})} /></div>
        <div class="field"><label for="p-tier">Tier</label>
          <select id="p-tier" onChange=${e=>i({...r,tier:e.target.value})}>
            ${(t?.tiers||[{name:e.tier,display_name:e.tier}]).map(e=>P`<option value=${e.name}
              selected=${e.name===r.tier}>${e.display_name}</option>`)}
          </select></div>
        <${J} error=${a} what="Not saved" />
        <button type="submit" class="primary">Save profile</button>
      </fieldset>
    </form>
  </section>`}function wt({c:e,onChanged:t}){let[n,r]=L(null),[i,a]=L(!1),[o,s]=L(null),c=async()=>{a(!0),s(null);try{n===`deactivate`?await H.deactivate(e.customer_id):await H.patchCustomer(e.customer_id,xt[n].body);let i={suspend:`suspended`,enable:`enabled`,deactivate:`deactivated`}[n];r(null),t(`Customer ${i}.`)}catch(e){s(e)}finally{a(!1)}},l=n&&xt[n];return P`<section class="card" aria-labelledby="status-title">
    <h2 id="status-title">Status: <${X} status=${e.status} /></h2>
    ${e.status===`deactivated`?P`<p class="muted">Deactivated ${K(e.deactivated_at)}; it can no longer be changed.</p>`:P`
      <div class="actions">
        ${e.status===`active`&&P`<button type="button" onClick=${()=>r(`suspend`)}>Suspend…</button>`}
        ${e.status===`suspended`&&P`<button type="button" onClick=${()=>r(`enable`)}>Enable…</button>`}
        <button type="button" class="danger" onClick=${()=>r(`deactivate`)}>Deactivate…</button>
      </div>`}
    <${rt} open=${!!l} title=${l?`${l.label} ${e.customer_id}?`:``} confirm=${l?l.label:``}
      danger=${n!==`enable`} busy=${i} onConfirm=${c} onCancel=${()=>{r(null),s(null)}}>
      <p>${l?.text}</p>
      <${J} error=${o} />
    <//>
  </section>`}function Tt({c:e,onChanged:t}){let[n,r]=L(``),[i,a]=L(null),o=e.status===`deactivated`,s=async(e,n)=>{a(null);try{await e(),t(n)}catch(e){a(e)}};return P`<section class="card" aria-labelledby="ns-title">
    <h2 id="ns-title">Namespaces</h2>
    <ul class="chips">${e.namespaces.map(t=>P`<li><code>${t}</code>
      <button type="button" class="small" disabled=${o} aria-label=${`Withdraw namespace ${t}`}
        onClick=${()=>s(()=>H.withdraw(e.customer_id,t),`Namespace ${t} withdrawn.`)}>Remove</button></li>`)}
    </ul>
    ${e.namespaces.length===0&&P`<p class="muted">None: every request is refused with namespace_denied.</p>`}
    <form class="inline" onSubmit=${t=>{t.preventDefault();let i=n.trim();i&&s(()=>H.grant(e.customer_id,i).then(()=>r(``)),`Namespace ${i} granted.`)}}>
      <label for="ns-add">Namespace to add</label>
      <input id="ns-add" value=${n} disabled=${o} pattern="[a-z0-9][a-z0-9_\\-]{0,62}" onInput=${e=>r(e.target.value)} />
      <button type="submit" disabled=${o}>Add namespace</button>
    </form>
    <${J} error=${i} />
  </section>`}var Et=220,$={left:56,right:8,top:10,bottom:28};function Dt(e){if(e<=0)return 1;let t=10**Math.floor(Math.log10(e));return[1,2,2.5,5,10].map(e=>e*t).find(t=>t>=e)}function Ot({days:e,caption:t}){let n=Oe(null),[r,i]=L(720);R(()=>{let e=new ResizeObserver(([e])=>i(Math.max(240,Math.floor(e.contentRect.width))));return e.observe(n.current),()=>e.disconnect()},[]);let a=Dt(Math.max(0,...e.map(e=>e.units))),o=r-$.left-$.right,s=Et-$.top-$.bottom,c=o/Math.max(1,e.length),l=Math.max(1,c*.7),u=e=>$.top+s-e/a*s,d=[0,.25,.5,.75,1].map(e=>e*a),f=Math.ceil(e.length/Math.max(2,Math.floor(o/70))),p=e.reduce((e,t)=>e+t.units,0);return P`<figure class="chart" ref=${n}>
    <figcaption>${t}</figcaption>
    <svg viewBox=${`0 0 ${r} ${Et}`} width=${r} height=${Et} role="img"
      aria-label=${`${t}: ${G(p)} units over ${e.length} days, at most ${G(Math.max(0,...e.map(e=>e.units)))} a day`}>
      ${d.map(e=>P`<g>
        <line x1=${$.left} x2=${r-$.right} y1=${u(e)} y2=${u(e)} class="grid" />
        <text x=${$.left-6} y=${u(e)+4} text-anchor="end" class="axis">${G(e)}</text>
      </g>`)}
      ${e.map((e,t)=>P`<g>
        <rect x=${$.left+t*c+(c-l)/2} y=${u(e.units)} width=${l}
          height=${Math.max(0,$.top+s-u(e.units))} class="bar"><title>${e.date}: ${G(e.units)} units, ${G(e.requests)} requests</title></rect>
        ${t%f===0&&P`<text x=${$.left+t*c+c/2} y=${212} text-anchor="middle"
          class="axis">${e.date.slice(5)}</text>`}
      </g>`)}
    </svg>
    <details>
      <summary>Units by day as a table</summary>
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">Day</th><th scope="col" class="num">Units</th><th scope="col" class="num">Requests</th></tr></thead>
        <tbody>${e.filter(e=>e.units||e.requests).map(e=>P`<tr><th scope="row">${e.date}</th>
          <td class="num">${G(e.units)}</td><td class="num">${G(e.requests)}</td></tr>`)}</tbody>
      </table></div>
    </details>
  </figure>`}function kt(e,t,n){let r=new Map(n.map(e=>[e.date,e])),i=[];for(let n=Date.parse(`${e}T00:00:00Z`);n<=Date.parse(`${t}T00:00:00Z`);n+=864e5){let e=new Date(n).toISOString().slice(0,10);i.push(r.get(e)||{date:e,units:0,requests:0})}return i}var At=e=>Object.entries(e||{}).sort((e,t)=>t[1]-e[1]);function jt({params:e}){let{customer:t=``,period:n=``}=e;return P`<${q} title=${t?`Usage of ${t}`:`Usage`}>
    <${Mt} customer=${t} period=${n} />
    ${t?P`<${Ft} id=${t} period=${n} />`:P`<${Pt} period=${n} />`}
  <//>`}function Mt({customer:e,period:t}){let[n,r]=L(t),[i,a]=L(e),[o,s]=L(!1);return P`<form class="filters" onSubmit=${e=>{e.preventDefault(),n&&!et.test(n)?s(!0):(s(!1),W(`/usage`,{customer:i.trim(),period:n}))}} aria-label="Usage period">
    <div class="field"><label for="u-customer">Customer id (empty: every customer)</label>
      <input id="u-customer" value=${i} onInput=${e=>a(e.target.value)} /></div>
    <div class="field"><label for="u-period">Period (YYYY-MM or YYYY; empty: the current quota period)</label>
      <input id="u-period" value=${n} placeholder=${Qe()} aria-invalid=${o||void 0}
        aria-describedby=${o?`u-period-error`:void 0} onInput=${e=>r(e.target.value)} />
      ${o&&P`<small id="u-period-error" class="error" role="alert">A month like ${Qe()} or a year like ${$e()}.</small>`}</div>
    <div class="actions">
      <button type="submit" class="primary">Show usage</button>
      <button type="button" onClick=${()=>W(`/usage`,{customer:i.trim(),period:Qe()})}>This month</button>
      <button type="button" onClick=${()=>W(`/usage`,{customer:i.trim(),period:$e()})}>This year</button>
    </div>
  </form>`}function Nt({period:e}){let[t,n]=L({busy:!1,error:null}),r=async t=>{n({busy:!0,error:null});try{let r=await H.export(e,t),i=await r.blob(),a=/filename="?([^";]+)"?/.exec(r.headers.get(`Content-Disposition`)||``)?.[1]||`tollgate-usage-${e||`current`}.${t}`,o=URL.createObjectURL(i),s=document.createElement(`a`);s.href=o,s.download=a,document.body.append(s),s.click(),s.remove(),setTimeout(()=>URL.revokeObjectURL(o),1e4),n({busy:!1,error:null})}catch(e){n({busy:!1,error:e})}};return P`<div class="actions">
    <button type="button" class="primary" disabled=${t.busy} onClick=${()=>r(`csv`)}>Download billing export (CSV)</button>
    <button type="button" disabled=${t.busy} onClick=${()=>r(`json`)}>Download as JSON</button>
    <${J} error=${t.error} what="Export failed" />
  </div>`}function Pt({period:e}){let t=Q(()=>H.allUsage(e||void 0),[e]),n=t.data?.customers||[];return P`
    <${J} error=${t.error} what="Usage could not be loaded" />
    ${t.loading&&P`<${Y} what="Loading usage" />`}
    ${t.data&&P`<section class="card" aria-labelledby="all-title">
      <h2 id="all-title">Every customer, period ${t.data.period}</h2>
      <${Nt} period=${t.data.period} />
      <div class="table-wrap"><table>
        <caption class="sr-only">Usage by customer</caption>
        <thead><tr><th scope="col">Customer</th><th scope="col" class="num">Units</th><th scope="col" class="num">Requests</th>
          <th scope="col">Utilization</th><th scope="col" class="num">Refused</th><th scope="col">SLA attainment</th></tr></thead>
        <tbody>${n.map(e=>P`<tr>
          <th scope="row"><a href=${U(`/usage`,{customer:e.customer_id,period:t.data.period})}>${e.customer_id}</a></th>
          <td class="num">${G(e.units_used)}</td><td class="num">${G(e.requests)}</td>
          <td><${nt} value=${e.utilization} used=${e.units_used} label=${`Utilization of ${e.customer_id}`} /></td>
          <td class="num">${G(Object.values(e.rejected).reduce((e,t)=>e+t,0))}</td>
          <td><${ot} sla=${e.sla} /></td></tr>`)}</tbody>
      </table></div>
    </section>`}`}function Ft({id:e,period:t}){let n=Q(()=>H.usage(e,t||void 0),[e,t]),r=Q(()=>H.keys(e).catch(()=>[]),[e]),i=n.data,a=new Map((r.data||[]).map(e=>[e.key_id,e.name]));return P`
    <${J} error=${n.error} what="Usage could not be loaded" />
    ${n.loading&&P`<${Y} what="Loading usage" />`}
    ${i&&P`
      <section class="card" aria-labelledby="quota-title">
        <h2 id="quota-title">Period ${i.period} <small class="muted">(${i.period_start.slice(0,10)} to ${i.period_end.slice(0,10)}, end exclusive)</small></h2>
        <p><strong>${G(i.units_used)}</strong> of ${G(i.quota)} units (quota per ${i.quota_period}), ${G(i.requests)} billed requests.</p>
        <${nt} value=${i.utilization} used=${i.units_used} label=${`Utilization of the ${i.quota_period}ly quota`} />
        ${i.utilization===null&&P`<p class="muted">No utilization for this period: the quota is per ${i.quota_period}.</p>`}
        <p>SLA attainment: <${ot} sla=${i.sla} />; error budget left ${i.sla.error_budget_remaining<0?`none (overspent)`:`${Math.round(i.sla.error_budget_remaining*100)} %`}.</p>
        <p><a href=${U(`/customers/${encodeURIComponent(e)}`)}>Customer ${e}</a></p>
        <${Nt} period=${i.period} />
      </section>
      <section class="card" aria-labelledby="daily-title">
        <h2 id="daily-title">Units by day</h2>
        <${It} id=${e} u=${i} />
      </section>
      <div class="grid-3">
        <${Z} caption="Units by operation" head=${[`Operation`,`Units`]} rows=${At(i.breakdown)} />
        <${Z} caption="Units by key" head=${[`Key`,`Units`]}
          rows=${At(i.by_key).map(([e,t])=>[a.get(e)?`${e} (${a.get(e)})`:e,t])} />
        <${Z} caption="Refusals by code" head=${[`Code`,`Refused requests`]} rows=${At(i.rejected)} />
      </div>`}`}function It({id:e,u:t}){let n=new Date().toISOString().slice(0,10),r=t.period_start.slice(0,10),i=new Date(Date.parse(t.period_end)-864e5).toISOString().slice(0,10),a=i<n?i:n,o=Q(()=>r>a?Promise.resolve({days:[]}):H.daily(e,r,a),[e,r,a]);return o.error?P`<${J} error=${o.error} what="Daily usage could not be loaded" />`:o.data?r>a?P`<p class="muted">This period has not started.</p>`:P`<${Ot} days=${kt(r,a,o.data.days)} caption=${`Units by day, ${r} to ${a} (UTC)`} />`:P`<${Y} what="Loading daily usage" />`}function Lt(){let e=Q(()=>H.tiers(),[]);return P`<${q} title="Tiers">
    <${J} error=${e.error} what="The catalog could not be loaded" />
    ${e.loading&&P`<${Y} />`}
    ${e.data&&P`<div class="table-wrap"><table>
      <caption>The tier catalog; new customers get <strong>${e.data.default_tier}</strong> unless told otherwise.</caption>
      <thead><tr><th scope="col">Tier</th><th scope="col">Name</th><th scope="col" class="num">Price</th>
        <th scope="col">Quota</th><th scope="col">Rate limit</th><th scope="col" class="num">SLA</th><th scope="col">Customers</th></tr></thead>
      <tbody>${e.data.tiers.map(t=>P`<tr>
        <th scope="row"><code>${t.name}</code>${t.name===e.data.default_tier&&P` <span class="badge">default</span>`}</th>
        <td>${t.display_name}</td>
        <td class="num">${G(t.price.amount)} ${t.price.currency} / ${t.price.period}</td>
        <td>${Ze(t.quota)}</td><td>${Xe(t.rate_limit)}</td><td class="num">${t.sla}%</td>
        <td><a href=${U(`/customers`,{tier:t.name})}>Customers on ${t.name}</a></td>
      </tr>`)}</tbody>
    </table></div>`}
  <//>`}var Rt=e=>e==null?`—`:typeof e==`object`?JSON.stringify(e):String(e);function zt({params:e}){let t=e.customer||``,[n,r]=L(t),[i,a]=L({entries:[],cursor:null,loading:!0,error:null}),o=Oe(0),s=e=>{let n=++o.current;a(e=>({...e,loading:!0,error:null})),H.audit(t||void 0,e||void 0).then(t=>n===o.current&&a(n=>({entries:e?[...n.entries,...t.entries]:t.entries,cursor:t.next_cursor,loading:!1,error:null})),e=>n===o.current&&a(t=>({...t,loading:!1,error:e})))},c=Oe(t);return R(()=>{c.current!==t&&r(t),c.current=t,a({entries:[],cursor:null,loading:!0,error:null}),s(null)},[t]),P`<${q} title="Audit log">
    <form class="filters" role="search" onSubmit=${e=>{e.preventDefault(),W(`/audit`,{customer:n.trim()})}}>
      <div class="field"><label for="a-customer">Customer id</label>
        <input id="a-customer" value=${n} onInput=${e=>r(e.target.value)} /></div>
      <div class="actions"><button type="submit" class="primary">Filter</button>
        ${t&&P`<a class="button" href="#/audit">Every customer</a>`}</div>
    </form>
    <${J} error=${i.error} what="The audit log could not be loaded" />
    <div class="table-wrap"><table class="audit stack">
      <caption class="sr-only">Audit entries, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Via</th><th scope="col">Action</th><th scope="col">Customer</th>
        <th scope="col">Key</th><th scope="col">Changes</th></tr></thead>
      <tbody>${i.entries.map(e=>P`<tr>
        <td data-label="When">${K(e.at)}</td><td data-label="Actor"><code>${e.actor}</code></td>
        <td data-label="Via">${e.via}</td>
        <td data-label="Action">${e.action}</td>
        <td data-label="Customer">${e.customer_id?P`<a href=${U(`/customers/${encodeURIComponent(e.customer_id)}`)}>${e.customer_id}</a>`:`—`}</td>
        <td data-label="Key">${e.key_id?P`<code>${e.key_id}</code>`:`—`}</td>
        <td data-label="Changes"><ul class="changes">${Object.entries(e.changes).map(([e,t])=>P`<li><code>${e}</code>: ${Rt(t.before)} → ${Rt(t.after)}</li>`)}</ul></td>
      </tr>`)}</tbody>
    </table></div>
    ${i.loading?P`<${Y} what="Loading entries" />`:P`<p class="muted" role="status">${i.entries.length} entries${i.cursor?``:`, no older ones`}.</p>`}
    ${i.cursor&&!i.loading&&P`<button type="button" onClick=${()=>s(i.cursor)}>Older entries</button>`}
  <//>`}var Bt=[[`usage.threshold`,`a customer’s usage reaches a share of its quota`],[`sla.at_risk`,`half, then all, of a customer’s SLA error budget is spent`],[`rate_limit.sustained`,`a customer is refused with 429 for longer than the set time`],[`key.created`,`a key is created`],[`key.revoked`,`a key is revoked`],[`key.expiring`,`a key expires within 7 days`],[`customer.created`,`a customer is created`],[`customer.tier_changed`,`a customer’s tier changes`],[`customer.suspended`,`a customer is suspended`],[`customer.deactivated`,`a customer is deactivated`]],Vt=2e3,Ht=e=>e.enabled?`enabled`:`disabled`,Ut=e=>U(`/webhooks/${encodeURIComponent(e.id)}`);function Wt(){let e=Q(()=>H.webhooks(),[]),[t,n]=L(!1),[r,i]=L(null);return P`<${q} title="Webhooks" actions=${P`<button type="button" class="primary"
      aria-expanded=${t} onClick=${()=>n(!t)}>New endpoint</button>`}>
    <p class="muted">Events are POSTed to each endpoint, signed as Standard Webhooks do (see docs/webhooks.md).</p>
    ${r&&P`<${at} title=${`Signing secret of ${r.id}`} value=${r.secret}
      noun="signing secret" kept="Tollgate keeps it to sign the deliveries but never shows it again."
      onDone=${()=>i(null)} />`}
    ${t&&P`<${qt} onCancel=${()=>n(!1)}
      onCreated=${t=>{i(t),n(!1),e.reload()}} />`}
    <${J} error=${e.error} what="The endpoints could not be loaded" />
    ${e.loading&&!e.data&&P`<${Y} what="Loading endpoints" />`}
    ${e.data&&(e.data.length===0?P`<p class="muted" role="status">No endpoint yet.</p>`:P`
      <div class="table-wrap"><table class="webhooks stack">
        <caption class="sr-only">Webhook endpoints, oldest first</caption>
        <thead><tr><th scope="col">Endpoint</th><th scope="col">URL</th><th scope="col">Events</th>
          <th scope="col">Description</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
        <tbody>${e.data.map(e=>P`<tr>
          <th scope="row" data-label="Endpoint"><a href=${Ut(e)}><code>${e.id}</code></a></th>
          <td data-label="URL"><code>${e.url}</code></td>
          <td data-label="Events">${e.events.join(`, `)}</td>
          <td data-label="Description">${e.description||`—`}</td>
          <td data-label="Status"><${X} status=${Ht(e)} /></td>
          <td data-label="Created">${K(e.created_at)}</td></tr>`)}</tbody>
      </table></div>`)}
  <//>`}var Gt=e=>Bt.map(([e])=>e).filter(t=>e.includes(t));function Kt({prefix:e,title:t,initial:n,submitLabel:r,refused:i,send:a,onCancel:o}){let[s,c]=L(n),[l,u]=L(null),[d,f]=L(!1),p=e=>(l?.errors||[]).some(t=>t.field===e)||void 0,m=e=>c({...s,events:s.events.includes(e)?s.events.filter(t=>t!==e):[...s.events,e]}),h=async e=>{e.preventDefault(),f(!0),u(null);try{await a({url:s.url.trim(),description:s.description.trim(),events:Gt(s.events)})}catch(e){u(e),f(!1)}},g=`${e}-title`;return P`<form class="card form-grid" onSubmit=${h} aria-labelledby=${g}>
    <h2 id=${g}>${t}</h2>
    <div class="field"><label for=${`${e}-url`}>URL</label>
      <input id=${`${e}-url`} type="url" required value=${s.url} aria-describedby=${`${e}-url-help`}
        aria-invalid=${p(`url`)} onInput=${e=>c({...s,url:e.target.value})} />
      <small id=${`${e}-url-help`}>https; plain http and private addresses only with webhooks.allow_private.</small></div>
    <div class="field"><label for=${`${e}-description`}>Description (optional)</label>
      <input id=${`${e}-description`} maxlength="500" value=${s.description} aria-invalid=${p(`description`)}
        onInput=${e=>c({...s,description:e.target.value})} /></div>
    <fieldset class="checks">
      <legend>Events</legend>
      ${Bt.map(([e,t])=>P`<label class="check"><input type="checkbox" checked=${s.events.includes(e)}
        onChange=${()=>m(e)} /> <code>${e}</code> <span class="muted">${t}</span></label>`)}
    </fieldset>
    <${J} error=${l} what=${i} />
    <div class="actions">
      <button type="button" onClick=${o}>Cancel</button>
      <button type="submit" class="primary" disabled=${d}>${r}</button>
    </div>
  </form>`}function qt({onCancel:e,onCreated:t}){return P`<${Kt} prefix="wh" title="New endpoint" initial=${{url:``,description:``,events:[]}}
    submitLabel="Create endpoint" refused="Not created" send=${async({url:e,description:n,events:r})=>{t(await H.createWebhook(n?{url:e,events:r,description:n}:{url:e,events:r}))}} onCancel=${e} />`}function Jt({w:e,onCancel:t,onSaved:n}){let[r]=L(()=>({url:e.url,description:e.description||``,events:Gt(e.events)}));return P`<${Kt} prefix="wh-edit" title="Edit endpoint" initial=${r} submitLabel="Save endpoint"
    refused="Not saved" send=${async t=>{let i={};t.url!==r.url&&(i.url=t.url),t.events.join()!==r.events.join()&&(i.events=t.events),t.description!==r.description&&(i.description=t.description||null),Object.keys(i).length===0?n(`Nothing changed.`):(await H.patchWebhook(e.id,i),n(`Endpoint saved.`))}} onCancel=${t} />`}function Yt({id:e}){let t=Q(()=>H.webhook(e),[e]),n=Q(()=>H.deliveries(e),[e]),[r,i]=L(``),[a,o]=L(null),[s,c]=L(!1),[l,u]=L(!1),[d,f]=L(!1),p=t.data,m=(n.data||[]).some(e=>e.status===`pending`);De(()=>{if(!m||n.loading)return;let e=setTimeout(n.reload,Vt);return()=>clearTimeout(e)},[m,n.loading,n.data]);let h=async(e,t,n)=>{f(!0),o(null);try{await e(),i(t),n.forEach(e=>e.reload())}catch(e){o(e)}finally{f(!1)}};return P`<${q} title=${`Webhook ${e}`} actions=${P`<a class="button" href="#/webhooks">Every endpoint</a>`}>
    <${tt} text=${r} />
    <${J} error=${t.error} what="The endpoint could not be loaded" />
    ${t.loading&&!p&&P`<${Y} />`}
    ${p&&P`<section class="card" aria-labelledby="endpoint-title">
      <h2 id="endpoint-title">Endpoint: <${X} status=${Ht(p)} /></h2>
      <dl class="facts">
        <dt>URL</dt><dd><code>${p.url}</code></dd>
        <dt>Events</dt><dd>${p.events.join(`, `)}</dd>
        <dt>Description</dt><dd>${p.description||`—`}</dd>
        ${p.disabled_reason&&P`<dt>Disabled by Tollgate</dt><dd>${p.disabled_reason}</dd>`}
        <dt>Created</dt><dd>${K(p.created_at)}</dd>
      </dl>
      <div class="actions">
        <button type="button" class="primary" disabled=${d}
          onClick=${()=>h(()=>H.testWebhook(e),`Test event queued.`,[n])}>Send test event</button>
        <button type="button" disabled=${d} onClick=${()=>h(()=>H.patchWebhook(e,{enabled:!p.enabled}),p.enabled?`Endpoint disabled: its deliveries wait.`:`Endpoint enabled.`,[t,n])}>
          ${p.enabled?`Disable`:`Enable`}</button>
        <button type="button" aria-expanded=${l} disabled=${t.loading}
          onClick=${()=>u(!l)}>Edit…</button>
        <button type="button" class="danger" onClick=${()=>c(!0)}>Delete…</button>
      </div>
      <${J} error=${!s&&a} />
    </section>`}
    ${p&&l&&P`<${Jt} w=${p} onCancel=${()=>u(!1)}
      onSaved=${e=>{u(!1),i(e),t.reload()}} />`}
    <${rt} open=${s} title=${`Delete ${e}?`} confirm="Delete endpoint" danger busy=${d}
      onConfirm=${async()=>{f(!0),o(null);try{await H.deleteWebhook(e),W(`/webhooks`)}catch(e){o(e),f(!1)}}} onCancel=${()=>{c(!1),o(null)}}>
      <p>The endpoint and its deliveries are deleted; pending deliveries are never sent. This cannot be undone.</p>
      <${J} error=${s&&a} />
    <//>
    <${Xt} id=${e} deliveries=${n} busy=${d}
      onRetry=${t=>h(()=>H.retryDelivery(e,t.id),`Delivery ${t.id} is pending again.`,[n])} />
  <//>`}function Xt({id:e,deliveries:t,busy:n,onRetry:r}){let i=t.data||[];return P`<section class="card" aria-labelledby="deliveries-title">
    <h2 id="deliveries-title">Deliveries</h2>
    <div class="actions"><button type="button" onClick=${t.reload}>Refresh deliveries</button></div>
    <${J} error=${t.error} what="The deliveries could not be loaded" />
    ${t.loading&&!t.data&&P`<${Y} what="Loading deliveries" />`}
    ${t.data&&(i.length===0?P`<p class="muted">No delivery yet.</p>`:P`
      <div class="table-wrap"><table class="deliveries stack">
        <caption class="sr-only">The newest 100 deliveries to ${e}, newest first</caption>
        <thead><tr><th scope="col">Created</th><th scope="col">Event</th><th scope="col">Status</th>
          <th scope="col" class="num">Attempts</th><th scope="col">Last attempt</th><th scope="col">Last answer</th>
          <th scope="col">Next attempt</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${i.map(e=>P`<tr>
          <td data-label="Created">${K(e.created_at)}</td>
          <td data-label="Event"><span>${e.type} <small><code>${e.event_id}</code></small></span></td>
          <td data-label="Status"><${X} status=${e.status} /></td>
          <td data-label="Attempts" class="num">${e.attempts}</td>
          <td data-label="Last attempt">${K(e.last_attempt_at)}</td>
          <td data-label="Last answer"><span class="answer">${e.last_status??``}${e.last_error?P` <code>${e.last_error}</code>`:``}${e.last_status===null&&!e.last_error?`—`:``}</span></td>
          <td data-label="Next attempt">${K(e.next_attempt_at)}</td>
          <td class="row-actions"><button type="button" class="small" disabled=${n}
            aria-label=${`Retry delivery ${e.id}`} onClick=${()=>r(e)}>Retry</button></td>
        </tr>`)}</tbody>
      </table></div>`)}
  </section>`}var Zt=[[`/`,`Overview`],[`/customers`,`Customers`],[`/usage`,`Usage`],[`/tiers`,`Tiers`],[`/webhooks`,`Webhooks`],[`/audit`,`Audit`]];function Qt({parts:e,params:t}){let[n,r]=e;switch(n){case void 0:return P`<${lt} />`;case`customers`:return r?P`<${St} id=${r} key=${r} />`:P`<${gt} params=${t} />`;case`usage`:return P`<${jt} params=${t} />`;case`tiers`:return P`<${Lt} />`;case`webhooks`:return r?P`<${Yt} id=${r} key=${r} />`:P`<${Wt} />`;case`audit`:return P`<${zt} params=${t} />`;default:return P`<p role="alert">No such page. <a href="#/">Back to the overview</a>.</p>`}}function $t(){let[e,t]=L(!!Ue.key()),[n,r]=L(``),i=Ke();if(R(()=>He(()=>{Ue.signOut(),r(`The admin key was refused (401): it may have been removed. Sign in again.`),t(!1)}),[]),R(()=>{document.getElementById(`page-title`)?.focus()},[i.parts.join(`/`)]),!e)return P`<main id="main"><${qe} notice=${n} onSignedIn=${()=>{r(``),t(!0)}} /></main>`;let a=`/${i.parts[0]||``}`;return P`
    <a class="skip" href="#main" onClick=${e=>{e.preventDefault(),document.getElementById(`page-title`)?.focus()}}>Skip to content</a>
    <header class="topbar">
      <a class="brand" href="#/">Tollgate</a>
      <nav aria-label="Main">
        <ul>${Zt.map(([e,t])=>P`<li><a href=${`#${e}`}
          aria-current=${a===e?`page`:void 0}>${t}</a></li>`)}</ul>
      </nav>
      <button type="button" class="signout" onClick=${()=>{Ue.signOut(),t(!1)}}>Sign out</button>
    </header>
    <main id="main">${Qt(i)}</main>`}M(P`<${$t} />`,document.getElementById(`app`));