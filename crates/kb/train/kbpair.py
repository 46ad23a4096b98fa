import json,math,random,sys
def load(p): return [json.loads(l) for l in open(p)]
INTENTS={'price','pay','how_to','when','where','phone'}
def feats(r,c,i,cands):
    mb=max(x['bm25'] for x in cands) or 1
    others=[x for j,x in enumerate(cands) if j!=i]
    mcov=max([x['cov'] for x in others],default=0)
    mb2=max([x['bm25'] for x in others],default=0)
    qc=set(r['qc']); hc=set(c['hc'])
    qi=qc&INTENTS; qt=qc-INTENTS; ht=hc-INTENTS; hi=hc&INTENTS
    topic=len(qt&ht)/len(qt) if qt else 0
    topic_miss=len(qt-ht)/len(qt) if qt else 0
    intent=len(qi&hi)/len(qi) if qi else 0
    intent_miss=1.0 if (qi and hi and not (qi&hi)) else 0.0
    catm=1.0 if (r['cat'] and c['cat']==r['cat']) else 0.0
    catx=1.0 if (r['cat'] and c['cat'] and c['cat']!=r['cat']) else 0.0
    return [1.0, c['cov'], c['head'], c['rev'], c['bm25']/mb, 1.0/(i+1), c['cov']-mcov, (c['bm25']-mb2)/mb,
            1.0 if c['own'] else 0.0, catm, catx, topic, topic_miss, intent, intent_miss,
            1.0 if r['kind']=='repair' else 0.0, 1.0 if r['kind']=='complaint' else 0.0, 1.0 if r['urg']=='emergency' else 0.0,
            c['cov']*c['rev']]
def pairs(rows):
    X=[];Y=[]
    for r in rows:
        for i,c in enumerate(r['cands']):
            X.append(feats(r,c,i,r['cands'])); Y.append(1.0 if c['id']==r['expect'] else 0.0)
    return X,Y
def train(X,Y,l2=1e-3,epochs=300,lr=0.3):
    w=[0.0]*len(X[0]); n=len(X)
    for ep in range(epochs):
        g=[0.0]*len(w)
        for x,y in zip(X,Y):
            z=sum(a*b for a,b in zip(w,x)); p=1/(1+math.exp(-max(-30,min(30,z))))
            for k in range(len(w)): g[k]+=(p-y)*x[k]
        for k in range(len(w)): w[k]-=lr*(g[k]/n + l2*w[k])
    return w
def prob(w,x):
    z=sum(a*b for a,b in zip(w,x)); return 1/(1+math.exp(-max(-30,min(30,z))))
PERSON=["转人工","人工客服","人工服务","找人工","要人工","真人","找客服","找你们经理","找经理","找领导"]
def decide(w,r,th):
    if r['urg']=='emergency' or any(p in r['text'] for p in PERSON): return None,0
    if not r['cands']: return None,0
    ps=[(prob(w,feats(r,c,i,r['cands'])),c['id']) for i,c in enumerate(r['cands'])]
    p,a=max(ps)
    return (a if p>=th else None),p
def score(w,rows,th):
    right=ans=ho=un=0
    for r in rows:
        a,_=decide(w,r,th)
        if r['expect'] in('none','handoff'): un+=1; ho+=a is None
        else: ans+=1; right+=a==r['expect']
    return right/ans, ho/un
A=load('/tmp/kbf-a.jsonl');B=load('/tmp/kbf-b.jsonl');D=load('/tmp/kbf-dev.jsonl')
def best_th(w,rows):
    b=None
    for t in [x/100 for x in range(5,95,2)]:
        a,h=score(w,rows,t); k=min(a,h)
        if b is None or k>b[0]: b=(k,t,a,h)
    return b
for name,tr,tes in []:# [('A->B',A,[('B',B),('dev',D)]),('B->A',B,[('A',A),('dev',D)]),('AB->dev',A+B,[('dev',D)])]:
    X,Y=pairs(tr); w=train(X,Y)
    bt=best_th(w,tr)
    print(name,'train',bt)
    for tn,te in tes:
        print('   ',tn,'at train th',score(w,te,bt[1]),'best th on it',best_th(w,te))
    if name=='AB->dev': print([round(x,2) for x in w])
for n,rows in [('A',A),('B',B),('dev',D)]:
    ans=[r for r in rows if r['expect'] not in('none','handoff')]
    rec=sum(any(c['id']==r['expect'] for c in r['cands']) for r in ans)/len(ans)
    top=sum(bool(r['cands']) and r['cands'][0]['id']==r['expect'] for r in ans)/len(ans)
    print(n,'recall@8',round(rec,2),'bm25 top1',round(top,2))
